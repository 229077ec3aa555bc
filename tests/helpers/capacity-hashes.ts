// The outputs of the capacity and monitoring modules (platformPods, the capacity report and its
// text table, the monthly bill, the drain audit, the scaling dashboard and rule groups) on every
// fixture stack and a few variants, as SHA-256 hashes of their JSON (keys sorted): refactors must
// leave every hash as it is. When a change of output is meant, regenerate them with
// `npm run pins:capacity` in the commit that explains it.
import { strict as assert } from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { platformPods } from "../../catalog/platform-pods";
import { formatBill, monthlyBill } from "../../capacity/bill";
import { drainAudit, formatDrainAudit } from "../../capacity/drain";
import { capacityFindings, formatCapacityTable } from "../../capacity/findings";
import { headroomPods } from "../../capacity/headroom";
import { capacityReport } from "../../capacity/model";
import { addonPodRequests } from "../../capacity/system-pods";
import { scalingDashboard } from "../../components/monitoring/dashboard";
import { observabilityInput } from "../../components/monitoring/input";
import { scalingRuleGroups } from "../../components/monitoring/rules";
import type { PlatformConfig } from "../../config";
import { PROJECT_DIR } from "../../tools/stack-files";
import { fixtureStackNames } from "./simulation-hashes";
import { stackConfig, stackWith } from "./stacks";

export const CAPACITY_HASHES_FILE = path.join(PROJECT_DIR, "tests", "fixtures", "capacity-hashes.json");

/** The outputs hashed, each a pure function of the parsed config. */
export const CAPACITY_OUTPUTS = {
    platformPods: (config: PlatformConfig) => platformPods(config),
    capacityReport: (config: PlatformConfig) => capacityReport(config, addonPodRequests(config)),
    capacityTable: (config: PlatformConfig) => {
        const report = capacityReport(config, addonPodRequests(config));
        return formatCapacityTable(report, capacityFindings(config, report));
    },
    /** On a fixed day, before Kubernetes 1.34 leaves standard support, so the hash does not move with the date. */
    monthlyBill: (config: PlatformConfig) => {
        const bill = monthlyBill(config, capacityReport(config, addonPodRequests(config)).nodes, "2026-11-01");
        return { bill, text: formatBill(bill) };
    },
    /** The platform's pods and the headroom placeholders, as `render` audits them. */
    drainAudit: (config: PlatformConfig) => {
        const flags = config.addons.clusterAutoscaler;
        const verdicts = drainAudit([...platformPods(config), ...headroomPods(config)], flags);
        return { verdicts, text: formatDrainAudit(verdicts, flags) };
    },
    scalingDashboard: (config: PlatformConfig) =>
        scalingDashboard(observabilityInput(config, config.addons.monitoring)),
    scalingRuleGroups: (config: PlatformConfig) =>
        scalingRuleGroups(observabilityInput(config, config.addons.monitoring)),
} as const;

export type CapacityOutput = keyof typeof CAPACITY_OUTPUTS;

/** Production with add-ons switched the other way, with headroom, and with a quota too small (error findings). */
const VARIANTS: Readonly<Record<string, (raw: Record<string, any>) => void>> = {
    "production external-prometheus": (raw) => {
        raw.addons = { ...raw.addons, prometheus: { mode: "external", url: "http://prometheus.monitoring.svc:9090" } };
    },
    "production one-prometheus-no-grafana": (raw) => {
        raw.addons = { ...raw.addons, prometheus: { mode: "install", replicas: 1, grafana: false } };
    },
    "production no-autoscaler-no-adapter": (raw) => {
        raw.addons = { ...raw.addons, clusterAutoscaler: { enabled: false }, prometheusAdapter: { enabled: false } };
    },
    "production headroom": (raw) => {
        raw.addons = { ...raw.addons, clusterAutoscaler: { headroom: { cpu: "8", memory: "16Gi" } } };
    },
    "production tight-quota": (raw) => {
        raw.namespace.quota = { ...raw.namespace.quota, pods: "10", "requests.cpu": "4" };
    },
};

/** Every case hashed: the fixture stacks by name, then the variants. */
export function capacityCases(): string[] {
    return [...fixtureStackNames(), ...Object.keys(VARIANTS)];
}

function caseConfig(name: string): PlatformConfig {
    const variant = VARIANTS[name];
    return variant === undefined ? stackConfig(name) : stackWith(name.split(" ")[0], variant);
}

/** sha256 of the output's JSON with every object's keys sorted: the values count, not the keys' order. */
export function capacityHash(output: CapacityOutput, name: string): string {
    const value = CAPACITY_OUTPUTS[output](caseConfig(name));
    return createHash("sha256").update(JSON.stringify(value, sortedKeys)).digest("hex");
}

function sortedKeys(_key: string, value: unknown): unknown {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The expected hashes, `<output> <case>` -> hash. */
export function expectedCapacityHashes(): Record<string, string> {
    return JSON.parse(fs.readFileSync(CAPACITY_HASHES_FILE, "utf8"));
}

if (require.main === module) {
    const outputs = Object.keys(CAPACITY_OUTPUTS) as CapacityOutput[];
    const hashes = Object.fromEntries(
        outputs.flatMap((output) => capacityCases().map((name) => [`${output} ${name}`, capacityHash(output, name)])),
    );
    fs.writeFileSync(CAPACITY_HASHES_FILE, `${JSON.stringify(hashes, null, 4)}\n`);
    console.log(`wrote ${Object.keys(hashes).length} hashes to ${path.relative(PROJECT_DIR, CAPACITY_HASHES_FILE)}`);
}

/** The mocha cases pinning one output: every case's hash as written in the fixture. */
export function itKeepsOutput(output: CapacityOutput): void {
    describe(`${output}() output is unchanged (tests/fixtures/capacity-hashes.json)`, () => {
        const expected = expectedCapacityHashes();
        for (const name of capacityCases()) {
            it(`on ${name}`, () => {
                assert.equal(
                    capacityHash(output, name),
                    expected[`${output} ${name}`],
                    `${output}() on ${name} changed; if meant, regenerate tests/fixtures/capacity-hashes.json`,
                );
            });
        }
    });
}
