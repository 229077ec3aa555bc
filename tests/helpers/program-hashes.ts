// What the program registers for every fixture stack (and a node group replacement), as a SHA-256 of
// each resource's URN, parent, options, inputs and secret paths and the components' stack outputs
// (preflight's warnings and the capacity output depend on today's date: their own tests pin them).
// Refactors of the components leave every hash as it is (tests/index.test.ts). When a change of what
// the program registers is meant, run `npm run pins:program`
// and commit tests/fixtures/program-hashes.json with it; `--dump <dir>` writes the JSON, to diff.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { MockRun } from "../../tools/mock-engine";
import { PROJECT_DIR } from "../../tools/stack-files";
import { deployedNodeGroupCalls, ProgramRunOptions, runStack } from "./program";
import { fixtureStackNames } from "./simulation-hashes";
import { fixtureStack } from "./stacks";

export const PROGRAM_HASHES_FILE = path.join(PROJECT_DIR, "tests", "fixtures", "program-hashes.json");

/** A deployed production whose default node group (8 nodes live) a new instance type replaces. */
const REPLACING: ProgramRunOptions = {
    configOverrides: {
        "berrys-platform:nodeGroups": (() => {
            const groups = structuredClone(fixtureStack("production").config["berrys-platform:nodeGroups"]) as any;
            groups["default-node-group"].instanceTypes = ["m6i.2xlarge"];
            return groups;
        })(),
    },
    callOverrides: deployedNodeGroupCalls(),
};

/** A fixture stack's value of a key, changed by `change` (on a copy). */
function changed(stack: string, key: string, change: (value: any) => void): unknown {
    const value = structuredClone(fixtureStack(stack).config[`berrys-platform:${key}`] ?? {});
    change(value);
    return value;
}

/** Staging with every optional part the fixtures leave on turned off or pointed elsewhere. */
const ALTERNATIVES: ProgramRunOptions = {
    configOverrides: {
        "berrys-platform:network": {
            mode: "existing",
            vpcId: "vpc-0abc1234",
            privateSubnetIds: ["subnet-0a0b0c01", "subnet-0a0b0c02"],
        },
        "berrys-platform:cluster": changed("staging", "cluster", (cluster) => {
            cluster.logTypes = [];
            cluster.privateAccessCidrs = ["10.60.0.0/16"];
            cluster.privateAccessSecurityGroupIds = ["sg-0abc1234"];
        }),
        "berrys-platform:namespace": changed("staging", "namespace", (namespace) => {
            namespace.admission = { enabled: false };
        }),
        "berrys-platform:addons": {
            prometheus: { mode: "external", url: "http://prometheus-operated.monitoring.svc:9090" },
            clusterAutoscaler: { enabled: false },
        },
    },
};

/** Every case hashed: its name, the stack, and the run's options. */
export function programCases(): [string, string, ProgramRunOptions][] {
    return [
        ...fixtureStackNames().map((stack): [string, string, ProgramRunOptions] => [stack, stack, {}]),
        ["production replacing a node group", "production", REPLACING],
        ["staging on an existing VPC, external Prometheus, optional parts off", "staging", ALTERNATIVES],
    ];
}

/** An option's value with resources as their URNs and functions as their names, so it can be compared. */
function plainOption(value: unknown, urns: WeakMap<pulumi.Resource, string>): unknown {
    if (pulumi.Resource.isInstance(value)) return urns.get(value) ?? "<a resource outside the tree>";
    if (typeof value === "function") return `<function ${value.name}>`;
    if (Array.isArray(value)) return value.map((item) => plainOption(item, urns));
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, item]) => item !== undefined)
                .map(([key, item]) => [key, plainOption(item, urns)]),
        );
    }
    return value;
}

/**
 * Records each declared resource's URN as the engine forms it (the parent's qualified type, `$`,
 * the type; `::` the name) and its options, seen through a transformation after the harness's own.
 */
function recorder() {
    const urns = new WeakMap<pulumi.Resource, string>();
    const qualifiedTypes = new WeakMap<pulumi.Resource, string>();
    const declared: { urn: string; parent?: string; opts: pulumi.ResourceOptions }[] = [];
    const transformation: pulumi.ResourceTransformation = (args) => {
        const parent = args.opts.parent;
        const qualifiedType = parent ? `${qualifiedTypes.get(parent)}$${args.type}` : args.type;
        const urn = `${qualifiedType}::${args.name}`;
        qualifiedTypes.set(args.resource, qualifiedType);
        urns.set(args.resource, urn);
        declared.push({ urn, parent: parent ? urns.get(parent) : undefined, opts: args.opts });
        return undefined;
    };
    return { urns, declared, transformation };
}

/** The run as plain JSON: resources sorted by URN, each with what a live stack would compare. */
export async function programSnapshot(stack: string, options: ProgramRunOptions): Promise<unknown> {
    const { urns, declared, transformation } = recorder();
    const run: MockRun = await runStack(stack, { ...options, transformations: [transformation] });
    const resources = declared.map(({ urn, parent, opts }) => {
        const [type, name] = [urn.split("$").pop()!.split("::")[0], urn.split("::").pop()!];
        const registered = run.registered.filter((candidate) => candidate.type === type && candidate.name === name);
        // The parent is in the URN; the transformations are the harness's and this recorder's.
        const rest: pulumi.ComponentResourceOptions = { ...opts, parent: undefined, transformations: undefined };
        return {
            urn,
            parent,
            opts: plainOption(rest, urns),
            registered: registered.map(({ inputs, secrets, provider }) => ({ inputs, secrets, provider })),
        };
    });
    resources.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    const outputs = { ...run.outputs, capacity: undefined };
    return { resources, outputs, secretOutputs: run.secretOutputs };
}

export async function programHash(stack: string, options: ProgramRunOptions): Promise<string> {
    return createHash("sha256")
        .update(JSON.stringify(await programSnapshot(stack, options)))
        .digest("hex");
}

async function main(dumpDir: string | undefined): Promise<void> {
    const hashes: Record<string, string> = {};
    for (const [name, stack, options] of programCases()) {
        const snapshot = await programSnapshot(stack, options);
        hashes[name] = createHash("sha256").update(JSON.stringify(snapshot)).digest("hex");
        if (dumpDir !== undefined) {
            fs.mkdirSync(dumpDir, { recursive: true });
            fs.writeFileSync(path.join(dumpDir, `${name.replace(/ /g, "-")}.json`), JSON.stringify(snapshot, null, 2));
        }
    }
    if (dumpDir !== undefined) return;
    fs.writeFileSync(PROGRAM_HASHES_FILE, `${JSON.stringify(hashes, null, 4)}\n`);
    console.log(`wrote ${Object.keys(hashes).length} hashes to ${path.relative(PROJECT_DIR, PROGRAM_HASHES_FILE)}`);
}

if (require.main === module) {
    const dump = process.argv.indexOf("--dump");
    void main(dump === -1 ? undefined : process.argv[dump + 1]);
}
