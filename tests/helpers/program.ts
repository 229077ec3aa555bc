// Runs the real program (index.ts) under Pulumi's mocks with a fixture stack's config
// (tests/fixtures/stacks/), as render does with a shipped one.
import * as pulumi from "@pulumi/pulumi";
import { MockRun, RegisteredResource, runWithMocks, withoutStackTraces } from "../../tools/mock-engine";
import { loadProgram } from "../../tools/render";
import { runtimeConfig } from "../../tools/stack-files";
import { fixtureStack } from "./stacks";

export interface ProgramRunOptions {
    /** Changes to the stack's config before the run: full keys (`berrys-platform:services`) to values. */
    readonly configOverrides?: Record<string, unknown>;
    readonly transformations?: pulumi.ResourceTransformation[];
    /** Data-source results in place of the mock's defaults (tools/mock-engine.ts `callOverrides`). */
    readonly callOverrides?: (token: string, inputs: Record<string, any>) => Record<string, any> | undefined;
}

/** Production's default node group as EKS reports it once deployed: m6i.xlarge, on demand, 8 nodes. */
export const DEPLOYED_DEFAULT_NODE_GROUP = {
    eksName: "default-node-group-2026110100000000000000000a",
    described: {
        scalingConfigs: [{ minSize: 3, maxSize: 10, desiredSize: 8 }],
        instanceTypes: ["m6i.xlarge"],
        capacityType: "ON_DEMAND",
        amiType: "AL2023_x86_64_STANDARD",
    },
} as const;

/** The data sources of a stack deployed before, with this node group live (`aws.eks.getNodeGroups`, `getNodeGroup`). */
export function deployedNodeGroupCalls(
    group: typeof DEPLOYED_DEFAULT_NODE_GROUP = DEPLOYED_DEFAULT_NODE_GROUP,
): NonNullable<ProgramRunOptions["callOverrides"]> {
    return (token) =>
        token === "aws:eks/getNodeGroups:getNodeGroups"
            ? { names: [group.eksName] }
            : token === "aws:eks/getNodeGroup:getNodeGroup"
              ? structuredClone(group.described)
              : undefined;
}

/** Runs of a stack file as it is: the program is deterministic, so suites share one run per stack. */
const unchanged = new Map<string, Promise<MockRun>>();

/** Runs the program for a stack; `configOverrides` replace whole top-level keys. */
export function runStack(stack: string, options: ProgramRunOptions = {}): Promise<MockRun> {
    if (
        options.configOverrides === undefined &&
        options.transformations === undefined &&
        options.callOverrides === undefined
    ) {
        const cached = unchanged.get(stack) ?? run(stack, options);
        unchanged.set(stack, cached);
        return cached;
    }
    return run(stack, options);
}

function run(stack: string, options: ProgramRunOptions): Promise<MockRun> {
    const config = runtimeConfig(fixtureStack(stack));
    for (const [key, value] of Object.entries(options.configOverrides ?? {})) {
        if (value === undefined) {
            delete config[key];
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return withoutStackTraces(() =>
        runWithMocks({
            stack,
            config,
            loadProgram,
            transformations: options.transformations,
            callOverrides: options.callOverrides,
        }),
    );
}

/** The one registered resource of a type and name; fails when there is none or several. */
export function resource(run: MockRun, type: string, name: string): RegisteredResource {
    const found = run.registered.filter((candidate) => candidate.type === type && candidate.name === name);
    if (found.length !== 1) {
        throw new Error(
            `expected one ${type} named ${name}, found ${found.length}; registered: ` +
                run.registered
                    .filter((candidate) => candidate.type === type)
                    .map((candidate) => candidate.name)
                    .join(", "),
        );
    }
    return found[0];
}

/** The registered Kubernetes object of a kind and metadata.name. */
export function kubernetesObject(run: MockRun, kind: string, name: string): Record<string, any> {
    const found = run.registered.filter(
        (candidate) => candidate.inputs.kind === kind && candidate.inputs.metadata?.name === name,
    );
    if (found.length !== 1) {
        throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
    }
    return found[0].inputs;
}
