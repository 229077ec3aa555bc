// Test inputs: the fixture stacks of tests/fixtures/stacks/ (never the shipped Pulumi.*.yaml, which
// are the team's to edit), parsed by the real config parser, and a small builder for rule tests.
import * as path from "path";
import { PlatformConfig } from "../../config";
import { CheckedConfig, checkConfig } from "../../preflight";
import { PROJECT_DIR, readStackFile, StackFile } from "../../tools/stack-files";

export const FIXTURE_STACKS_DIR = path.join(PROJECT_DIR, "tests", "fixtures", "stacks");

/**
 * A fixture's stack file as `pulumi` would hand it to the program (a fresh copy each call). The
 * fixtures: production (the seed's values), staging (the same shape, smaller, tuned to the
 * simulator's criteria), minimal (the docs' minimum stack file), node-groups (on-demand, Spot, arm64).
 */
export function fixtureStack(stack: string): StackFile {
    return readStackFile(stack, FIXTURE_STACKS_DIR);
}

/** Parses a fixture; fails the test with the parser's messages if it is invalid. */
export function stackConfig(stack: string): PlatformConfig {
    return parsedOrThrow(fixtureStack(stack), `fixture ${stack}`);
}

/** A fixture with `change` applied to its project config (keys without the namespace), parsed. */
export function stackWith(stack: string, change: (raw: Record<string, any>) => void): PlatformConfig {
    const file = fixtureStack(stack);
    change(file.projectConfig);
    return parsedOrThrow(file, `fixture ${stack} with the test's change`);
}

/** The production fixture with `change` applied to its project config, parsed. */
export const productionWith = (change: (raw: Record<string, any>) => void): PlatformConfig =>
    stackWith("production", change);

/** A fixture (production unless named) with its `addons` key replaced, parsed. */
export function withAddons(addons: Record<string, unknown>, stack = "production"): PlatformConfig {
    return stackWith(stack, (raw) => {
        raw.addons = addons;
    });
}

/** `addons.prometheus` for a Prometheus the stack does not install, selecting monitors by `selectorLabels`. */
export function externalPrometheus(selectorLabels: Record<string, string> = { prometheus: "main" }) {
    return { mode: "external", url: "http://prometheus-operated.observability.svc:9090", selectorLabels };
}

/** A Prometheus query_range response of the production fixture's services (tests/fixtures/prometheus/). */
export const PROMETHEUS_LOAD_FIXTURE = path.join(PROJECT_DIR, "tests", "fixtures", "prometheus", "query_range.json");

/** The production fixture's services, in its stack file's order. */
export const PRODUCTION_SERVICES: readonly string[] = Object.keys(
    fixtureStack("production").projectConfig.services as object,
);

/** The headroom issue's spare capacity: 8 CPU and 16Gi. */
export const ISSUE_HEADROOM = { cpu: "8", memory: "16Gi" };

/** The production fixture with `addons.clusterAutoscaler.headroom` set (the issue's by default), then `change`, parsed. */
export const withHeadroom = (
    headroom: Record<string, unknown> = ISSUE_HEADROOM,
    change: (raw: Record<string, any>) => void = () => undefined,
): PlatformConfig =>
    stackWith("production", (raw) => {
        raw.addons = { ...raw.addons, clusterAutoscaler: { ...raw.addons?.clusterAutoscaler, headroom } };
        change(raw);
    });

/** Staging as it was before it was tuned to the simulator's criteria: a quota and nodes too small for its max replicas. */
export const smallStaging = (): PlatformConfig =>
    stackWith("staging", (raw) => {
        Object.assign(raw.namespace.quota, { "requests.cpu": "8", "limits.cpu": "16" });
        Object.assign(raw.nodeGroups["default-node-group"], {
            instanceTypes: ["m6i.large"],
            minSize: 2,
            desiredSize: 2,
            maxSize: 5,
        });
    });

/**
 * A fixture with `overrides` replacing its top-level keys (`cluster`'s merged into the fixture's, so
 * its publicAccessCidrs keep the API reachable), checked as preview checks it.
 */
export function checkedWith(stack: string, overrides: Record<string, unknown>): CheckedConfig {
    const file = fixtureStack(stack);
    const cluster = { ...(file.projectConfig.cluster as object), ...(overrides.cluster as object | undefined) };
    return checkConfig({ ...file.projectConfig, ...overrides, cluster }, file.context);
}

function parsedOrThrow(file: StackFile, what: string): PlatformConfig {
    const result = checkConfig(file.projectConfig, file.context);
    if (!result.ok) {
        throw new Error(`${what} is invalid:\n${result.errors.join("\n")}`);
    }
    return result.config;
}

/** A valid service entry (every required key) with `overrides` on top: a rule test's one new service. */
export function aService(overrides: Record<string, unknown> = {}): Record<string, any> {
    return {
        priority: "standard",
        minReplicas: 1,
        maxReplicas: 3,
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
        metrics: [{ type: "Resource", name: "cpu", averageUtilization: 70 }],
        ...overrides,
    };
}

/** A valid node group entry with `overrides` on top. */
export function aNodeGroup(overrides: Record<string, unknown> = {}): Record<string, any> {
    return { instanceTypes: ["m6i.xlarge"], minSize: 1, maxSize: 3, desiredSize: 1, ...overrides };
}
