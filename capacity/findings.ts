// Capacity findings: what the capacity report (capacity/model.ts) means for the stack. Errors (the
// platform cannot run even at min replicas, a PDB that can never be satisfied) fail `pulumi
// preview`; warnings (peak capacity blocked, the connection budget exceeded at peak) are logged,
// unless `guardrails.warningsAsErrors` makes them errors. Also the plain-text table `render` prints.
import type { CheckResult, PlatformConfig, ServiceConfig } from "../config";
import { keyName } from "../config";
import { formatCpu, formatMemory, scaleIntOrPercent, toBytes, toMillicores } from "../quantity";
import { pdbAllowedDisruptions } from "../schema/services";
import { addonPodRequests } from "./system-pods";
import {
    CapacityReport,
    ConnectionReport,
    formatAmount,
    formatUsd,
    NodeGroupCapacity,
    NodeRow,
    QuotaResource,
    QuotaRow,
    ServiceCapacity,
} from "./model";

export interface Finding {
    readonly severity: "error" | "warning";
    /** The config keys involved, as `berrys-platform:<path>`. */
    readonly keys: string[];
    /** What is wrong, with the numbers. */
    readonly message: string;
    /** What to change. */
    readonly fix: string;
}

type Scenario = "atMin" | "atMax";

const SCENARIO_TEXT: Readonly<Record<Scenario, string>> = { atMin: "at min replicas", atMax: "at max replicas" };

/**
 * Every capacity finding of the stack, errors first. `checked` is what the config's cross-key checks
 * found (preflight.ts runs `CROSS_CHECKS` once, such as an HPA metric the adapter has no rule for):
 * their messages join the findings as they are, so every problem shows in one list.
 */
export function capacityFindings(
    config: PlatformConfig,
    report: CapacityReport,
    checked: CheckResult = { errors: [], warnings: [] },
): Finding[] {
    const findings = [
        ...report.quota.flatMap((row) => quotaFindings(config, report, row)),
        ...nodeFindings(config, report),
        ...headroomFindings(report),
        ...Object.entries(config.services).flatMap(([name, service]) => [
            ...pdbFindings(name, service),
            ...hpaFindings(name, service),
        ]),
        ...(report.connections === null ? [] : connectionFindings(config, report.connections)),
        ...checkFindings(checked),
    ];
    const raised = config.guardrails.warningsAsErrors
        ? findings.map((finding): Finding => ({ ...finding, severity: "error" }))
        : findings;
    return [
        ...raised.filter((finding) => finding.severity === "error"),
        ...raised.filter((finding) => finding.severity === "warning"),
    ];
}

/** A finding as `pulumi preview` logs it: the message, and the fix on a second line. */
export function formatFinding(finding: Finding): string {
    return finding.fix === "" ? finding.message : `${finding.message}\n${finding.fix}`;
}

function quotaFindings(config: PlatformConfig, report: CapacityReport, row: QuotaRow): Finding[] {
    if (row.hard === null) {
        return [];
    }
    return [
        ...quotaScenarioFindings(report, row),
        ...quotaHeadroomFindings(report, row),
        ...quotaRolloutFindings(report, row),
    ];
}

const overQuota = (row: QuotaRow, amount: number) => amount > row.hard! + 1e-9;

/** The quota against every service at min replicas (an error) and at max (a warning: the stack works below it). */
function quotaScenarioFindings(report: CapacityReport, row: QuotaRow): Finding[] {
    const quotaKey = keyName(["namespace", "quota", row.resource]);
    const findings: Finding[] = [];
    for (const scenario of ["atMin", "atMax"] as const) {
        if (!overQuota(row, row[scenario]) || (scenario === "atMax" && overQuota(row, row.atMin))) {
            continue;
        }
        const replicas = (service: ServiceCapacity) =>
            scenario === "atMin" ? service.minReplicas : service.maxReplicas;
        const users = report.services.filter((service) => perPod(service, row.resource) > 0);
        const largest = [...users].sort(
            (a, b) => replicas(b) * perPod(b, row.resource) - replicas(a) * perPod(a, row.resource),
        )[0];
        const needed = formatAmount(row.unit, row[scenario]);
        const reach =
            largest === undefined
                ? ""
                : scenario === "atMax"
                  ? `: ${largest.name} reaches ${largest.reachable.othersAtMax.replicas} of ${largest.maxReplicas} replicas ` +
                    `(${largest.reachable.othersAtMin.replicas} while the others are at min)`
                  : `: ${largest.name} starts ${largest.reachable.othersAtMin.replicas} of its ${largest.minReplicas} minReplicas`;
        const rollout = formatAmount(row.unit, scenario === "atMax" ? row.atMaxDuringRollout : row.atMinDuringRollout);
        findings.push({
            severity: scenario === "atMin" ? "error" : "warning",
            keys: [
                quotaKey,
                ...users.map((service) =>
                    keyName(["services", service.name, scenario === "atMin" ? "minReplicas" : "maxReplicas"]),
                ),
            ],
            message:
                scenario === "atMin"
                    ? `${quotaKey} (${row.text.hard}) must be >= ${needed}, what the services need at min replicas${reach}`
                    : `${quotaKey} (${row.text.hard}) < ${needed} needed at max replicas${reach}`,
            fix:
                `${breakdown(users, row.resource, replicas)}${systemShare(row, report.services, scenario)} ${SCENARIO_TEXT[scenario]}; ` +
                `raise ${quotaKey} to ${needed} (${rollout} to also fit every rolling update) or lower ${scenario === "atMin" ? "minReplicas or the requests" : "maxReplicas"}`,
        });
    }
    return findings;
}

/**
 * A quota that holds every service at min replicas but leaves a service no room for one more pod:
 * that service's HPA can never scale up, whatever its load.
 */
function quotaHeadroomFindings(report: CapacityReport, row: QuotaRow): Finding[] {
    if (overQuota(row, row.atMin)) {
        return [];
    }
    const stuck = report.services.filter(
        (service) =>
            service.maxReplicas > service.minReplicas &&
            perPod(service, row.resource) > 0 &&
            overQuota(row, row.atMin + perPod(service, row.resource)),
    );
    if (stuck.length === 0) {
        return [];
    }
    const quotaKey = keyName(["namespace", "quota", row.resource]);
    const smallest = Math.min(...stuck.map((service) => perPod(service, row.resource)));
    return [
        {
            severity: "error",
            keys: [quotaKey, ...stuck.map((service) => keyName(["services", service.name, "maxReplicas"]))],
            message:
                `${quotaKey} (${row.text.hard}) must leave room above min replicas (${formatAmount(row.unit, row.atMin)}): ` +
                `${stuck.map((service) => service.name).join(", ")} can never scale up`,
            fix: `raise ${quotaKey} to at least ${formatAmount(row.unit, row.atMin + smallest)}, or ${formatAmount(row.unit, row.atMax)} for every service at max replicas`,
        },
    ];
}

/**
 * Rolling updates against the quota: a service whose maxSurge pods do not fit even while every
 * service sits at min replicas can never surge (an error); every service surging at once at min
 * or at max replicas is a warning (rollouts rarely coincide).
 */
function quotaRolloutFindings(report: CapacityReport, row: QuotaRow): Finding[] {
    const quotaKey = keyName(["namespace", "quota", row.resource]);
    if (overQuota(row, row.atMin)) {
        return [];
    }
    const blocked = report.services.filter(
        (service) =>
            service.surgeAtMin > 0 &&
            perPod(service, row.resource) > 0 &&
            overQuota(row, row.atMin + service.surgeAtMin * perPod(service, row.resource)),
    );
    if (blocked.length > 0) {
        return [
            {
                severity: "error",
                keys: [quotaKey, ...blocked.map((service) => keyName(["services", service.name, "maxSurge"]))],
                message: `${quotaKey} (${row.text.hard}) must admit a rolling update's surge at min replicas: ${blocked.map((service) => service.name).join(", ")} cannot surge`,
                fix: `raise ${quotaKey} to ${formatAmount(row.unit, row.atMinDuringRollout)} or lower ${keyName(["services", "<name>", "maxSurge"])}`,
            },
        ];
    }
    const findings: Finding[] = [];
    for (const scenario of ["atMin", "atMax"] as const) {
        const during = scenario === "atMin" ? "atMinDuringRollout" : "atMaxDuringRollout";
        if (overQuota(row, row[scenario]) || !overQuota(row, row[during])) {
            continue;
        }
        const surgeOf = (service: ServiceCapacity) => (scenario === "atMin" ? service.surgeAtMin : service.surgeAtMax);
        const surges = report.services.filter((service) => surgeOf(service) > 0 && perPod(service, row.resource) > 0);
        findings.push({
            severity: "warning",
            keys: [quotaKey, ...surges.map((service) => keyName(["services", service.name, "maxSurge"]))],
            message:
                `${quotaKey} (${row.text.hard}) < ${formatAmount(row.unit, row[during])} needed while every service rolls out ${SCENARIO_TEXT[scenario]}: ` +
                "rollouts wait for old pods to go or stall",
            fix:
                `maxSurge adds ${surges.map((service) => `${service.name} ${surgeOf(service)}`).join(", ")} pods; ` +
                `raise ${quotaKey} to ${formatAmount(row.unit, row[during])} or lower ${keyName(["services", "<name>", "maxSurge"])}`,
        });
    }
    return findings;
}

function nodeFindings(config: PlatformConfig, report: CapacityReport): Finding[] {
    // An error: without the type's size no capacity check can hold, and guessing would be silence.
    const findings: Finding[] = report.nodes.groups
        .filter((group) => group.unknownTypes.length > 0)
        .map((group) => ({
            severity: "error",
            keys: [keyName(["nodeGroups", group.name, "instanceTypes"]), keyName(["guardrails", "instanceTypes"])],
            message:
                `${keyName(["nodeGroups", group.name, "instanceTypes"])} (${JSON.stringify(group.unknownTypes)}) must be types the capacity table ` +
                "(capacity/instance-types.ts) knows, or node capacity cannot be checked",
            fix: group.unknownTypes
                .map(
                    (type) =>
                        `add ${keyName(["guardrails", "instanceTypes", type])} with its vcpu, memoryMiB and maxPods`,
                )
                .join("; "),
        }));
    if (!report.nodes.complete || report.nodes.groups.length === 0) {
        return findings;
    }
    const maxSizeKeys = platformGroups(report).map((group) => keyName(["nodeGroups", group.name, "maxSize"]));
    for (const row of report.nodes.rows) {
        for (const scenario of ["atMin", "atMax", "atMaxDuringRollout"] as const) {
            const shortfall = row[scenario] - row.available;
            const earlier =
                scenario === "atMax" ? row.atMin : scenario === "atMaxDuringRollout" ? row.atMax : -Infinity;
            if (shortfall <= 0 || earlier > row.available) {
                continue;
            }
            const when =
                scenario === "atMaxDuringRollout"
                    ? "while every service rolls out at max replicas"
                    : SCENARIO_TEXT[scenario];
            findings.push({
                severity: scenario === "atMin" ? "error" : "warning",
                keys: maxSizeKeys,
                message:
                    `${keyName(["nodeGroups"])} (${nodeGroupsText(report)}) ${scenario === "atMin" ? "must offer" : "offer less than"} the ` +
                    `${formatAmount(row.unit, row[scenario])} of ${row.resource} requested ${when}: ${formatAmount(row.unit, row.available)} allocatable at max size`,
                fix:
                    (row.systemPods > 0 ? `(less ${formatAmount(row.unit, row.systemPods)} for system pods) ` : "") +
                    `cluster-autoscaler adds no node past maxSize, so pods stay Pending; ${raiseMaxSize(report, row, shortfall)} or use a larger instance type`,
            });
        }
    }
    findings.push(...addonFitFindings(config, report));
    const largest = largestNodeText(report);
    for (const service of report.services) {
        if (service.fitsOnANode === false) {
            const requestsKey = keyName(["services", service.name, "resources", "requests"]);
            findings.push({
                severity: "error",
                keys: [
                    requestsKey,
                    ...platformGroups(report).map((group) => keyName(["nodeGroups", group.name, "instanceTypes"])),
                ],
                message:
                    `${requestsKey} (cpu ${formatCpu(service.perPod.requests.cpu)}, memory ${formatMemory(service.perPod.requests.memory)}) ` +
                    `must fit on a node: the largest offers ${largest} after its DaemonSets`,
                fix: "lower the requests or add a larger instance type to a node group",
            });
        }
    }
    return findings;
}

/**
 * Headroom the nodes at max size cannot hold next to the services at min replicas: cluster-autoscaler
 * stops at maxSize, so part of it stays Pending and is never there to take.
 */
function headroomFindings(report: CapacityReport): Finding[] {
    const plan = report.headroom;
    if (plan === null || !report.nodes.complete) return [];
    const key = keyName(["addons", "clusterAutoscaler", "headroom"]);
    return report.nodes.rows.flatMap((row): Finding[] => {
        const kept = plan.units * (row.resource === "cpu" ? plan.unit.cpuMillicores / 1000 : plan.unit.memoryBytes);
        const room = row.available - row.atMin;
        if (kept <= room) return [];
        return [
            {
                severity: "warning",
                keys: [key, ...platformGroups(report).map((group) => keyName(["nodeGroups", group.name, "maxSize"]))],
                message:
                    `${key} (${plan.requested.cpu} CPU, ${plan.requested.memory}) must fit beside the services at min replicas: node ${row.resource} at max size leaves ` +
                    `${formatAmount(row.unit, Math.max(0, room))}, the headroom needs ${formatAmount(row.unit, kept)}; cluster-autoscaler stops at maxSize and the rest stays Pending`,
                fix: `${raiseMaxSize(report, row, kept - room)}, or lower ${key}`,
            },
        ];
    });
}

/** The config key of an add-on pod's requests, by the pod's name (catalog/platform-pods.ts). */
const ADDON_REQUEST_KEYS: readonly [RegExp, readonly string[]][] = [
    [/^prometheus-adapter/, ["addons", "prometheusAdapter", "resources", "requests"]],
    [/^prometheus-/, ["addons", "prometheus", "resources", "requests"]],
    [/^cluster-autoscaler/, ["addons", "clusterAutoscaler", "resources", "requests"]],
    [/^metrics-server/, ["addons", "metricsServer", "resources", "requests"]],
];

/**
 * An add-on pod whose requests fit no node's allocatable (less the DaemonSets) stays Pending
 * whatever cluster-autoscaler does: no node group offers a node it fits on.
 */
function addonFitFindings(config: PlatformConfig, report: CapacityReport): Finding[] {
    const free = platformGroups(report).flatMap((group) =>
        group.perNode === null
            ? []
            : [
                  {
                      cpu: group.perNode.cpu - group.daemonSetsPerNode.cpu,
                      memory: group.perNode.memory - group.daemonSetsPerNode.memory,
                  },
              ],
    );
    if (free.length === 0) return [];
    return addonPodRequests(config).flatMap((pod): Finding[] => {
        if (free.some((node) => pod.requests.cpu <= node.cpu + 1e-9 && pod.requests.memory <= node.memory)) return [];
        const path = ADDON_REQUEST_KEYS.find(([pattern]) => pattern.test(pod.name))?.[1];
        const key = keyName(path ?? ["nodeGroups"]);
        return [
            {
                severity: "error",
                keys: [
                    key,
                    ...platformGroups(report).map((group) => keyName(["nodeGroups", group.name, "instanceTypes"])),
                ],
                message:
                    `${key} (cpu ${formatCpu(pod.requests.cpu)}, memory ${formatMemory(pod.requests.memory)}) must fit on a node: ` +
                    `the largest offers ${largestNodeText(report)} after its DaemonSets`,
                fix: `${pod.name} would stay Pending; lower the requests or add a larger instance type to a node group`,
            },
        ];
    });
}

/** The groups the add-ons and the services run on (no NO_SCHEDULE or NO_EXECUTE taint). */
function platformGroups(report: CapacityReport): NodeGroupCapacity[] {
    return report.nodes.groups.filter((group) => group.takesPlatformPods);
}

function nodeGroupsText(report: CapacityReport): string {
    return platformGroups(report)
        .map((group) => `${group.maxSize} x ${group.instanceTypes.join("/")}`)
        .join(" + ");
}

function largestNodeText(report: CapacityReport): string {
    const free = platformGroups(report).flatMap((group) =>
        group.perNode === null
            ? []
            : [
                  {
                      cpu: group.perNode.cpu - group.daemonSetsPerNode.cpu,
                      memory: group.perNode.memory - group.daemonSetsPerNode.memory,
                  },
              ],
    );
    return `${formatAmount("cores", Math.max(...free.map((node) => node.cpu)))} CPU and ${formatAmount("bytes", Math.max(...free.map((node) => node.memory)))}`;
}

/** "raise berrys-platform:nodeGroups.g.maxSize to N": enough nodes of the group's size to cover the shortfall. */
function raiseMaxSize(report: CapacityReport, row: NodeRow, shortfall: number): string {
    const group = platformGroups(report)[0];
    const perNode =
        group.perNode === null
            ? 0
            : row.resource === "cpu"
              ? group.perNode.cpu - group.daemonSetsPerNode.cpu
              : group.perNode.memory - group.daemonSetsPerNode.memory;
    const key = keyName(["nodeGroups", group.name, "maxSize"]);
    return perNode > 0 ? `raise ${key} to ${group.maxSize + Math.ceil(shortfall / perNode - 1e-9)}` : `raise ${key}`;
}

/**
 * PDBs against minReplicas, with the disruption controller's arithmetic (`pdbAllowedDisruptions`,
 * which the config schema also uses to reject such budgets): a minAvailable above minReplicas is
 * never met, and a budget that allows no eviction blocks node drains and scale-down.
 */
function pdbFindings(name: string, service: ServiceConfig): Finding[] {
    const pdb = service.pdb;
    if (pdb === undefined) {
        return [];
    }
    const min = service.minReplicas;
    const key = keyName(["services", name, "pdb", pdb.minAvailable !== undefined ? "minAvailable" : "maxUnavailable"]);
    const keys = [key, keyName(["services", name, "minReplicas"])];
    const value = JSON.stringify(pdb.minAvailable ?? pdb.maxUnavailable);
    if (pdb.minAvailable !== undefined && scaleIntOrPercent(pdb.minAvailable, min, true) > min) {
        const needed = scaleIntOrPercent(pdb.minAvailable, min, true);
        return [
            {
                severity: "error",
                keys,
                message: `${key} (${value}) must ask for fewer than minReplicas (${min}) pods, not ${needed}: the budget is never met and blocks every eviction`,
                fix: `use minAvailable <= ${Math.max(0, min - 1)}, or raise minReplicas to ${needed + 1}`,
            },
        ];
    }
    if (pdbAllowedDisruptions(pdb, min) === 0) {
        return [
            {
                severity: "error",
                keys,
                message: `${key} (${value}) must allow one eviction at minReplicas (${min}): it would block every node drain and cluster-autoscaler scale-down`,
                fix:
                    pdb.minAvailable !== undefined
                        ? `use minAvailable <= ${Math.max(0, min - 1)}, or raise minReplicas`
                        : "use maxUnavailable >= 1",
            },
        ];
    }
    return [];
}

/** A Resource metric with a utilization target needs a request to divide by. */
function hpaFindings(name: string, service: ServiceConfig): Finding[] {
    return service.metrics.flatMap((metric, index): Finding[] => {
        if (metric.type !== "Resource" || metric.averageUtilization === undefined) {
            return [];
        }
        const request = service.resources.requests[metric.name];
        const amount = metric.name === "cpu" ? toMillicores(request) : toBytes(request);
        if (amount > 0) {
            return [];
        }
        const requestKey = keyName(["services", name, "resources", "requests", metric.name]);
        return [
            {
                severity: "error",
                keys: [keyName(["services", name, "metrics", index]), requestKey],
                message:
                    `${requestKey} (${request}) must be > 0 for the ${metric.averageUtilization}% ${metric.name} utilization target of metrics.${index}: ` +
                    "the HPA divides usage by the request",
                fix: `set ${requestKey} to what one pod needs, or target an averageValue instead`,
            },
        ];
    });
}

function connectionFindings(config: PlatformConfig, connections: ConnectionReport): Finding[] {
    const pooled = connections.services;
    const keys = [
        keyName(["guardrails", "database", "maxConnections"]),
        ...pooled.map((service) => keyName(["services", service.name, "database"])),
    ];
    const replicas = (name: string, scenario: Scenario) => {
        const service = config.services[name];
        return scenario === "atMin" ? service.minReplicas : service.maxReplicas;
    };
    const findings: Finding[] = [];
    for (const scenario of ["atMin", "atMax"] as const) {
        if (
            connections[scenario] <= connections.budget ||
            (scenario === "atMax" && connections.atMin > connections.budget)
        ) {
            continue;
        }
        const largest = scenario === "atMax" ? connections.largestPoolPerPod : null;
        findings.push({
            severity: scenario === "atMin" ? "error" : "warning",
            keys,
            message:
                `${keyName(["guardrails", "database", "maxConnections"])} (${connections.maxConnections}) ${scenario === "atMin" ? "must cover" : "is below"} the ` +
                `${connections[scenario]} connections the pools open ${SCENARIO_TEXT[scenario]} (${connections.reservedConnections} reserved): new ones fail with "too many clients"`,
            fix:
                `${pooled.map((service) => `${service.name} ${replicas(service.name, scenario)} x ${service.perPod}`).join(" + ")}; ` +
                (largest !== null
                    ? `lower poolSize + maxOverflow to at most ${largest} per pod, `
                    : "lower poolSize and maxOverflow, ") +
                `put a pooler (RDS Proxy, PgBouncer) in front, or raise max_connections to ${connections[scenario] + connections.reservedConnections}`,
        });
    }
    if (connections.atMax <= connections.budget && connections.atMaxDuringRollout > connections.budget) {
        findings.push({
            severity: "warning",
            keys: [...keys, ...pooled.map((service) => keyName(["services", service.name, "maxSurge"]))],
            message:
                `${keyName(["guardrails", "database", "maxConnections"])} (${connections.maxConnections}) is below the ${connections.atMaxDuringRollout} ` +
                `connections the pools open while every service rolls out at max replicas (${connections.reservedConnections} reserved)`,
            fix: `lower maxSurge or the pools, or raise max_connections to ${connections.atMaxDuringRollout + connections.reservedConnections}`,
        });
    }
    return findings;
}

/** A cross-key config check's messages as findings: the keys are the `berrys-platform:` keys they name. */
function checkFindings(result: CheckResult): Finding[] {
    const toFinding =
        (severity: Finding["severity"]) =>
        (text: string): Finding => {
            const split = text.indexOf("\n");
            return {
                severity,
                keys: [...new Set(text.match(/berrys-platform:[A-Za-z0-9_.-]*[A-Za-z0-9_-]/g) ?? [])],
                message: split < 0 ? text : text.slice(0, split),
                fix: split < 0 ? "" : text.slice(split + 1),
            };
        };
    return [...result.errors.map(toFinding("error")), ...result.warnings.map(toFinding("warning"))];
}

function perPod(service: ServiceCapacity, resource: QuotaResource): number {
    switch (resource) {
        case "requests.cpu":
            return service.perPod.requests.cpu;
        case "requests.memory":
            return service.perPod.requests.memory;
        case "limits.cpu":
            return service.perPod.limits.cpu;
        case "limits.memory":
            return service.perPod.limits.memory;
        case "pods":
            return 1;
    }
}

/** "agent-orchestrator 10 x 1 + model-orchestration 15 x 2": what each service needs of `resource`. */
function breakdown(
    services: readonly ServiceCapacity[],
    resource: QuotaResource,
    replicas: (service: ServiceCapacity) => number,
): string {
    return services
        .map((service) =>
            resource === "pods"
                ? `${service.name} ${replicas(service)}`
                : `${service.name} ${replicas(service)} x ${perPodText(resource, perPod(service, resource))}`,
        )
        .join(" + ");
}

/** " + system pods 2" when the add-ons' pods share the namespace (the quota counts them too). */
function systemShare(row: QuotaRow, services: readonly ServiceCapacity[], scenario: Scenario): string {
    const replicas = (service: ServiceCapacity) => (scenario === "atMin" ? service.minReplicas : service.maxReplicas);
    const system =
        row[scenario] -
        services.reduce((total, service) => total + replicas(service) * perPod(service, row.resource), 0);
    return system > 1e-6 ? ` + system pods ${formatAmount(row.unit, system)}` : "";
}

function perPodText(resource: QuotaResource, value: number): string {
    return resource.endsWith(".cpu")
        ? formatCpu(value)
        : resource.endsWith(".memory")
          ? formatMemory(value)
          : String(value);
}

/** Columns padded to their widest cell; numbers right-aligned. */
function table(rows: readonly (readonly string[])[], indent = "  "): string {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
    return rows
        .map(
            (row) =>
                indent +
                row
                    .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
                    .join("  ")
                    .trimEnd(),
        )
        .join("\n");
}

/** "Monthly cost (on-demand, ...): $420.48 at min size (3 nodes), $1401.60 at max size (10 nodes)". */
function nodeCostText(report: CapacityReport): string {
    const cost = report.nodes.monthlyCost;
    const nodes = (scenario: "minSize" | "maxSize") =>
        report.nodes.groups.reduce((sum, group) => sum + group[scenario], 0);
    const unpriced = report.nodes.groups.filter((group) => group.pricePerHour === null).map((group) => group.name);
    return (
        `  monthly cost (on-demand ${cost.priceRegion} prices or simulation.tuning.prices, ${cost.hoursPerMonth} h): ` +
        `${cost.text.atMin} at min size (${nodes("minSize")} nodes), ${cost.text.atMax} at max size (${nodes("maxSize")} nodes)` +
        (cost.upperBound ? " (an upper bound: Spot nodes priced at on-demand)" : "") +
        (unpriced.length > 0
            ? `; no price for ${unpriced.join(", ")}: set berrys-platform:simulation.tuning.prices`
            : "") +
        headroomText(report)
    );
}

/** The headroom line under the nodes: its units and the most it adds to the bill. */
function headroomText(report: CapacityReport): string {
    const plan = report.headroom;
    if (plan === null) return "";
    return (
        `\n  headroom (addons.clusterAutoscaler.headroom): ${plan.requested.cpu} CPU, ${plan.requested.memory} as ${plan.units} placeholder pod${plan.units === 1 ? "" : "s"} ` +
        `of ${plan.unit.cpu}/${plan.unit.memory} in namespace ${plan.namespace}; at most ${plan.nodes} ${plan.nodeGroup} node${plan.nodes === 1 ? "" : "s"}, ` +
        `${formatUsd(plan.monthlyCost)}/month on top of the sizes above (less where the units fit beside the services)`
    );
}

/** The capacity table and the findings, as `render` prints them. */
export function formatCapacityTable(report: CapacityReport, findings: readonly Finding[]): string {
    return (
        [
            `Capacity of stack ${report.stack} (namespace ${report.namespace})`,
            quotaSection(report),
            reachSection(report),
            nodesSection(report),
            connectionsSection(report.connections),
            findingsSection(findings),
        ].join("\n\n") + "\n"
    );
}

function quotaSection(report: CapacityReport): string {
    return (
        "ResourceQuota (every service at min / at max replicas; +rollout: each adds its maxSurge pods)\n" +
        table([
            ["resource", "hard", "at min", "at max", "max+rollout", "headroom at max"],
            ...report.quota.map((row) => [
                row.resource,
                row.text.hard,
                row.text.atMin,
                row.text.atMax,
                row.text.atMaxDuringRollout,
                row.text.headroomAtMax,
            ]),
        ])
    );
}

function reachSection(report: CapacityReport): string {
    const reach = (value: { replicas: number; limitedBy: string | null }) =>
        value.limitedBy === null ? String(value.replicas) : `${value.replicas} (${value.limitedBy})`;
    return (
        "Replicas each service reaches before the quota refuses its next pod (in brackets: the quota key that stops it)\n" +
        table([
            ["service", "min", "max", "others at min", "others at max"],
            ...report.services.map((service) => [
                service.name,
                String(service.minReplicas),
                String(service.maxReplicas),
                reach(service.reachable.othersAtMin),
                reach(service.reachable.othersAtMax),
            ]),
        ])
    );
}

/** "general: 10 x m6i.xlarge (3.92 CPU, ... allocatable each; DaemonSets request ...)". */
function nodeGroupLine(group: NodeGroupCapacity): string {
    const each =
        group.perNode === null
            ? "size unknown"
            : `${formatAmount("cores", group.perNode.cpu)} CPU, ${formatAmount("bytes", group.perNode.memory)}, ${group.perNode.pods} pods allocatable each`;
    const taints =
        group.taints.length === 0
            ? ""
            : `; taints ${group.taints.join(", ")}` +
              (group.takesPlatformPods
                  ? ": the platform's pods go there last"
                  : ": the add-ons and services do not run there, so its nodes count in no row below");
    return (
        `${group.name}: ${group.maxSize} x ${group.instanceTypes.join("/")} (${each}; DaemonSets request ` +
        `${formatAmount("cores", group.daemonSetsPerNode.cpu)} CPU, ${formatAmount("bytes", group.daemonSetsPerNode.memory)} per node${taints})`
    );
}

function nodesSection(report: CapacityReport): string {
    return (
        `Nodes at max size${report.nodes.complete ? "" : " (incomplete: unknown instance types count as 0)"}\n` +
        report.nodes.groups.map((group) => `  ${nodeGroupLine(group)}`).join("\n") +
        "\n" +
        table([
            ["resource", "allocatable", "system pods", "at min", "at max", "max+rollout", "headroom at max"],
            ...report.nodes.rows.map((row) => [
                row.resource,
                row.text.allocatable,
                formatAmount(row.unit, row.systemPods),
                row.text.atMin,
                row.text.atMax,
                row.text.atMaxDuringRollout,
                row.text.headroomAtMax,
            ]),
        ]) +
        "\n" +
        nodeCostText(report)
    );
}

function connectionsSection(connections: ConnectionReport | null): string {
    if (connections === null) {
        return "Database connections: not checked (set berrys-platform:guardrails.database.maxConnections)";
    }
    const { headroom, largestPoolPerPod } = connections;
    return (
        `Database connections (max_connections ${connections.maxConnections}, ${connections.reservedConnections} reserved: ${connections.budget} for the services)\n` +
        table([
            ["service", "pool+overflow", "at min", "at max", "max+rollout", "largest pool that fits"],
            ...connections.services.map((service) => [
                service.name,
                `${service.poolSize}+${service.maxOverflow}`,
                String(service.atMin),
                String(service.atMax),
                String(service.atMaxDuringRollout),
                String(service.largestPoolPerPod),
            ]),
            [
                "total",
                "",
                ...[connections.atMin, connections.atMax, connections.atMaxDuringRollout].map(String),
                largestPoolPerPod === null ? "-" : `${largestPoolPerPod} (every pod alike)`,
            ],
            ["headroom", "", ...[headroom.atMin, headroom.atMax, headroom.atMaxDuringRollout].map(String), ""],
        ])
    );
}

function findingsSection(findings: readonly Finding[]): string {
    if (findings.length === 0) {
        return "Findings: none";
    }
    const errors = findings.filter((finding) => finding.severity === "error").length;
    const warnings = findings.length - errors;
    return (
        `Findings (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})\n` +
        findings
            .map(
                (finding) =>
                    `  ${finding.severity.toUpperCase().padEnd(7)} ${finding.message}` +
                    (finding.fix === "" ? "" : `\n          fix: ${finding.fix}`),
            )
            .join("\n")
    );
}
