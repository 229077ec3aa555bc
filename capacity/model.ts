// The capacity model: what the stack's services need at their min and max replicas (and while they
// roll out), against the namespace's ResourceQuota, the node groups at their max size and the
// database's connection limit. Pure functions of the parsed config; no cloud, no Pulumi runtime.
// capacity/findings.ts turns the report into findings; `render` and the `capacity` stack output
// show it as it is (plain JSON: CPU in cores, memory in bytes).
import type { PlatformConfig, ServiceConfig } from "../config";
import { HOURS_PER_MONTH, hourlyPrice, PRICE_TABLE_REGION } from "../catalog/prices";
import { scaleIntOrPercent, toBytes, toMillicores } from "../quantity";
import { HeadroomPlan, headroomPlan } from "./headroom";
import { allocatable, instanceTypeSpec } from "./instance-types";
import { takesPlatformPods, taintText } from "./taints";

/** The ResourceQuota keys the model counts (the others, such as `services`, do not grow with replicas). */
export const QUOTA_RESOURCES = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods"] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

/** How a report's numbers count: CPU in cores, memory in bytes, pods one by one. */
export type Unit = "cores" | "bytes" | "pods";

/** A pod the platform runs besides the services (an add-on's Deployment), with its requests in base units. */
export interface SystemPod {
    readonly name: string;
    readonly namespace: string;
    readonly replicas: number;
    /** CPU in cores, memory in bytes. */
    readonly requests: { readonly cpu: number; readonly memory: number };
    /** CPU in cores, memory in bytes; only counted by the quota when the pod runs in the platform's namespace (default: the LimitRange's default). */
    readonly limits?: { readonly cpu: number; readonly memory: number };
    /**
     * The pod's priority value (catalog/priority-classes.ts; 0 without a class). The model counts every
     * system pod's requests as taken: true for those at or above the critical services' priority,
     * which no service preempts; below it, a critical service may take their room at peak.
     */
    readonly priority?: number;
}

/** Headroom is `hard - needed`: negative means the quota (or the nodes) refuse pods. `null` where there is no limit. */
export interface Headroom {
    readonly atMin: number | null;
    readonly atMax: number | null;
    readonly atMaxDuringRollout: number | null;
}

/** One ResourceQuota resource of the platform's namespace. */
export interface QuotaRow {
    readonly resource: QuotaResource;
    readonly unit: Unit;
    /** The quota's hard limit; `null` when the quota does not limit this resource. */
    readonly hard: number | null;
    /** Every service at minReplicas (plus the system pods in the namespace). */
    readonly atMin: number;
    /** At minReplicas, while every service rolls out at once (each adds its maxSurge pods). */
    readonly atMinDuringRollout: number;
    readonly atMax: number;
    readonly atMaxDuringRollout: number;
    readonly headroom: Headroom;
    /** The same figures as Kubernetes-style text ("45.5", "22.75Gi"). */
    readonly text: Readonly<Record<"hard" | "atMin" | "atMax" | "atMaxDuringRollout" | "headroomAtMax", string>>;
}

/** How far one service can scale before the quota refuses its next pod. */
export interface Reach {
    /** Replicas it can reach, at most its maxReplicas. */
    readonly replicas: number;
    /** The quota resource that stops it below maxReplicas; `null` when it reaches maxReplicas. */
    readonly limitedBy: QuotaResource | null;
}

export interface ServiceCapacity {
    readonly name: string;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    /** Extra pods a rolling update creates (maxSurge, rounded up) at min and at max replicas. */
    readonly surgeAtMin: number;
    readonly surgeAtMax: number;
    /** One pod's requests and limits: CPU in cores, memory in bytes. */
    readonly perPod: {
        readonly requests: { readonly cpu: number; readonly memory: number };
        readonly limits: { readonly cpu: number; readonly memory: number };
    };
    /** Replicas reachable while every other service sits at its min, and while every other sits at its max. */
    readonly reachable: { readonly othersAtMin: Reach; readonly othersAtMax: Reach };
    /** Whether one pod's requests fit on the largest node (after DaemonSets); `null` when no node size is known. */
    readonly fitsOnANode: boolean | null;
}

export interface NodeGroupCapacity {
    readonly name: string;
    readonly maxSize: number;
    readonly instanceTypes: readonly string[];
    /** Types neither the built-in table nor `guardrails.instanceTypes` knows. */
    readonly unknownTypes: readonly string[];
    /** One node's allocatable, the smallest over the group's known types; `null` when none is known. */
    readonly perNode: { readonly cpu: number; readonly memory: number; readonly pods: number } | null;
    /** What the per-node DaemonSets request on each node. */
    readonly daemonSetsPerNode: { readonly cpu: number; readonly memory: number };
    readonly minSize: number;
    /** The group's taints as `key=value:Effect`. */
    readonly taints: readonly string[];
    /**
     * Whether the add-ons' and services' pods run here: false with a NO_SCHEDULE or NO_EXECUTE
     * taint, which they do not tolerate; such a group's nodes count in no node row.
     */
    readonly takesPlatformPods: boolean;
    /**
     * USD per node-hour: the dearest of the group's types (the managed node group may launch any
     * of them); `null` when one has no price (catalog/prices.ts nor `simulation.tuning.prices`).
     */
    readonly pricePerHour: number | null;
    /** USD per month (730 h) with the group at minSize and at maxSize; `null` without a price. */
    readonly monthlyCost: { readonly atMin: number | null; readonly atMax: number | null };
}

/** What the nodes cost per month, every group at its minSize and at its maxSize. */
export interface NodeCost {
    readonly currency: "USD";
    readonly hoursPerMonth: number;
    /** Where catalog/prices.ts's prices hold (`simulation.tuning.prices` overrides them). */
    readonly priceRegion: string;
    /** `null` when some group has no price. */
    readonly atMin: number | null;
    readonly atMax: number | null;
    /** The same as text ("$420.48"). */
    readonly text: { readonly atMin: string; readonly atMax: string };
    /** True when a SPOT group is priced at on-demand, which Spot never exceeds: the figures are an upper bound. */
    readonly upperBound: boolean;
}

/** Node CPU or memory: every group at maxSize, against the services' requests. */
export interface NodeRow {
    readonly resource: "cpu" | "memory";
    readonly unit: Unit;
    /** Allocatable of every group the platform's pods run on at maxSize, less the per-node DaemonSets' requests. */
    readonly allocatable: number;
    /** What the system pods (add-ons) request. */
    readonly systemPods: number;
    /** What is left for the services: allocatable - systemPods. */
    readonly available: number;
    readonly atMin: number;
    readonly atMax: number;
    readonly atMaxDuringRollout: number;
    readonly headroom: Headroom;
    readonly text: Readonly<
        Record<"allocatable" | "available" | "atMin" | "atMax" | "atMaxDuringRollout" | "headroomAtMax", string>
    >;
}

export interface NodeReport {
    readonly groups: readonly NodeGroupCapacity[];
    /** `false` when some group has no known instance type: then `rows` undercount and no node check is made. */
    readonly complete: boolean;
    readonly rows: readonly NodeRow[];
    /** Monthly on-demand cost of the nodes at min and at max size. */
    readonly monthlyCost: NodeCost;
}

export interface ServiceConnections {
    readonly name: string;
    readonly poolSize: number;
    readonly maxOverflow: number;
    /** poolSize + maxOverflow: what one pod may open. */
    readonly perPod: number;
    readonly atMin: number;
    readonly atMax: number;
    readonly atMaxDuringRollout: number;
    /** The largest poolSize + maxOverflow for this service that fits at max replicas, the others unchanged. */
    readonly largestPoolPerPod: number;
}

export interface ConnectionReport {
    readonly maxConnections: number;
    readonly reservedConnections: number;
    /** maxConnections - reservedConnections: what the services may open together. */
    readonly budget: number;
    readonly atMin: number;
    readonly atMax: number;
    readonly atMaxDuringRollout: number;
    readonly headroom: Headroom;
    /** The largest poolSize + maxOverflow, the same for every pooled pod, that fits at max replicas; `null` with no pooled service. */
    readonly largestPoolPerPod: number | null;
    readonly services: readonly ServiceConnections[];
}

export interface CapacityReport {
    readonly stack: string;
    readonly namespace: string;
    readonly quota: readonly QuotaRow[];
    readonly services: readonly ServiceCapacity[];
    readonly nodes: NodeReport;
    /** `null` when `guardrails.database` is not set. */
    readonly connections: ConnectionReport | null;
    /** The spare capacity cluster-autoscaler keeps (placeholder pods, not in `nodes.rows`: they yield to any service); `null` when off. */
    readonly headroom: HeadroomPlan | null;
}

/** Amounts of the quota resources, CPU in millicores (integers keep the sums exact), memory in bytes. */
type Amounts = Record<QuotaResource, number>;

const UNITS: Readonly<Record<QuotaResource, Unit>> = {
    "requests.cpu": "cores",
    "requests.memory": "bytes",
    "limits.cpu": "cores",
    "limits.memory": "bytes",
    pods: "pods",
};

/** The scenarios the report counts: every service at min or at max replicas, still or rolling out. */
type Scenario = "atMin" | "atMinDuringRollout" | "atMax" | "atMaxDuringRollout";

/** A service's pod count in each scenario (a rollout adds its maxSurge pods). */
const SCENARIO_REPLICAS: Readonly<Record<Scenario, (service: ServiceConfig) => number>> = {
    atMin: (service) => service.minReplicas,
    atMinDuringRollout: (service) => service.minReplicas + surge(service, service.minReplicas),
    atMax: (service) => service.maxReplicas,
    atMaxDuringRollout: (service) => service.maxReplicas + surge(service, service.maxReplicas),
};

/** What the stack asks for: the nodes count the services' needs, the quota those plus its system pods. */
interface Demand {
    /** One pod of each service, by name. */
    readonly perPod: ReadonlyMap<string, Amounts>;
    /** The system pods in the platform's namespace, as its quota counts them. */
    readonly systemQuota: Amounts;
    /** Every service's pods in each scenario. */
    readonly services: Readonly<Record<Scenario, Amounts>>;
    /** The quota's usage in each scenario: `services` plus `systemQuota`. */
    readonly quota: Readonly<Record<Scenario, Amounts>>;
}

/**
 * The capacity report of the stack. `systemPods` are the add-ons' pods (cluster-autoscaler,
 * Prometheus, ...): they take node capacity, and quota when they run in the platform's namespace.
 * The per-node DaemonSets come from `guardrails.daemonSetRequestsPerNode`.
 */
export function capacityReport(config: PlatformConfig, systemPods: readonly SystemPod[] = []): CapacityReport {
    const needs = demand(config, systemPods);
    const hard = quotaHard(config);
    const nodes = nodeReport(config, systemPods, needs.services);
    const largestNode = largestNodeFree(nodes);
    return {
        stack: config.stack,
        namespace: config.namespace.name,
        quota: QUOTA_RESOURCES.map((resource) => quotaRow(resource, hard[resource], needs.quota)),
        services: Object.entries(config.services).map(([name, service]) =>
            serviceCapacity(config, name, service, needs, hard, largestNode),
        ),
        nodes,
        connections: connectionReport(config),
        headroom: headroomPlan(config),
    };
}

function demand(config: PlatformConfig, systemPods: readonly SystemPod[]): Demand {
    const inNamespace = systemPods.filter((pod) => pod.namespace === config.namespace.name);
    const systemQuota = sum(inNamespace.map((pod) => scale(systemPodAmounts(pod, config), replicaCount(pod.replicas))));
    const perPod = new Map(Object.entries(config.services).map(([name, service]) => [name, podAmounts(service)]));
    const scenarios = Object.keys(SCENARIO_REPLICAS) as Scenario[];
    const services = Object.fromEntries(
        scenarios.map((scenario) => [scenario, servicesNeed(config, perPod, SCENARIO_REPLICAS[scenario])]),
    ) as Record<Scenario, Amounts>;
    const quota = Object.fromEntries(
        scenarios.map((scenario) => [scenario, sum([systemQuota, services[scenario]])]),
    ) as Record<Scenario, Amounts>;
    return { perPod, systemQuota, services, quota };
}

/** What every service but `except` requests with `replicas(service)` pods each. */
function servicesNeed(
    config: PlatformConfig,
    perPod: ReadonlyMap<string, Amounts>,
    replicas: (service: ServiceConfig) => number,
    except?: string,
): Amounts {
    return sum(
        Object.entries(config.services)
            .filter(([name]) => name !== except)
            .map(([name, service]) => scale(perPod.get(name)!, replicas(service))),
    );
}

/** One ResourceQuota row: the quota's usage in each scenario against its hard limit (`undefined`: none). */
function quotaRow(
    resource: QuotaResource,
    limit: number | undefined,
    used: Readonly<Record<Scenario, Amounts>>,
): QuotaRow {
    const unit = UNITS[resource];
    const value = (amount: number) => fromInternal(resource, amount);
    const headroom = (needed: number) => (limit === undefined ? null : value(limit - needed));
    const { atMin, atMinDuringRollout, atMax, atMaxDuringRollout } = used;
    return {
        resource,
        unit,
        hard: limit === undefined ? null : value(limit),
        atMin: value(atMin[resource]),
        atMinDuringRollout: value(atMinDuringRollout[resource]),
        atMax: value(atMax[resource]),
        atMaxDuringRollout: value(atMaxDuringRollout[resource]),
        headroom: {
            atMin: headroom(atMin[resource]),
            atMax: headroom(atMax[resource]),
            atMaxDuringRollout: headroom(atMaxDuringRollout[resource]),
        },
        text: {
            hard: limit === undefined ? "none" : formatAmount(unit, value(limit)),
            atMin: formatAmount(unit, value(atMin[resource])),
            atMax: formatAmount(unit, value(atMax[resource])),
            atMaxDuringRollout: formatAmount(unit, value(atMaxDuringRollout[resource])),
            headroomAtMax: limit === undefined ? "-" : formatAmount(unit, value(limit - atMax[resource])),
        },
    };
}

/** One service's row: its pod, how far the quota lets it scale, whether a pod fits on the largest node. */
function serviceCapacity(
    config: PlatformConfig,
    name: string,
    service: ServiceConfig,
    needs: Demand,
    hard: Partial<Amounts>,
    largestNode: { cpu: number; memory: number } | null,
): ServiceCapacity {
    const pod = needs.perPod.get(name)!;
    const reach = (others: (other: ServiceConfig) => number): Reach =>
        reachable(
            pod,
            service.maxReplicas,
            sum([needs.systemQuota, servicesNeed(config, needs.perPod, others, name)]),
            hard,
        );
    return {
        name,
        minReplicas: service.minReplicas,
        maxReplicas: service.maxReplicas,
        surgeAtMin: surge(service, service.minReplicas),
        surgeAtMax: surge(service, service.maxReplicas),
        perPod: {
            requests: { cpu: pod["requests.cpu"] / 1000, memory: pod["requests.memory"] },
            limits: { cpu: pod["limits.cpu"] / 1000, memory: pod["limits.memory"] },
        },
        reachable: {
            othersAtMin: reach((other) => other.minReplicas),
            othersAtMax: reach((other) => other.maxReplicas),
        },
        fitsOnANode:
            largestNode === null
                ? null
                : pod["requests.cpu"] / 1000 <= largestNode.cpu && pod["requests.memory"] <= largestNode.memory,
    };
}

/**
 * The largest count of `pod` the quota admits next to `others`, capped at `maxReplicas`, and the
 * quota resource that stops it first (the one whose room runs out at the fewest pods).
 */
function reachable(pod: Amounts, maxReplicas: number, others: Amounts, hard: Partial<Amounts>): Reach {
    let best: Reach = { replicas: maxReplicas, limitedBy: null };
    for (const resource of QUOTA_RESOURCES) {
        const limit = hard[resource];
        if (limit === undefined || pod[resource] <= 0) {
            continue;
        }
        const fits = Math.max(0, Math.floor((limit - others[resource]) / pod[resource]));
        if (fits < best.replicas) {
            best = { replicas: fits, limitedBy: resource };
        }
    }
    return best;
}

/** One node group's capacity row: its smallest node's allocatable, its taints and its price. */
function groupCapacity(
    config: PlatformConfig,
    name: string,
    group: PlatformConfig["nodeGroups"][string],
    daemonSets: Readonly<Record<"cpu" | "memory", number>>,
): NodeGroupCapacity {
    const prices = group.instanceTypes.map((type) => hourlyPrice(type, config.simulation.tuning.prices));
    const price = prices.some((value) => value === undefined) ? null : Math.max(...(prices as number[]));
    const known = group.instanceTypes.flatMap((type) => {
        const spec = instanceTypeSpec(type, config.guardrails.instanceTypes);
        return spec === undefined ? [] : [allocatable(spec)];
    });
    return {
        name,
        maxSize: group.maxSize,
        instanceTypes: group.instanceTypes,
        unknownTypes: group.instanceTypes.filter(
            (type) => instanceTypeSpec(type, config.guardrails.instanceTypes) === undefined,
        ),
        perNode:
            known.length === 0
                ? null
                : {
                      cpu: Math.min(...known.map((node) => node.cpuMillicores)) / 1000,
                      memory: Math.min(...known.map((node) => node.memoryBytes)),
                      pods: Math.min(...known.map((node) => node.pods)),
                  },
        daemonSetsPerNode: { cpu: daemonSets.cpu / 1000, memory: daemonSets.memory },
        minSize: group.minSize,
        taints: group.taints.map(taintText),
        takesPlatformPods: takesPlatformPods(group),
        pricePerHour: price,
        monthlyCost: {
            atMin: price === null ? null : monthly(price, group.minSize),
            atMax: price === null ? null : monthly(price, group.maxSize),
        },
    };
}

/** The node groups at max size against the services' needs, and what the nodes cost. */
function nodeReport(
    config: PlatformConfig,
    systemPods: readonly SystemPod[],
    needed: Readonly<Record<"atMin" | "atMax" | "atMaxDuringRollout", Amounts>>,
): NodeReport {
    const daemonSets = {
        cpu: toMillicores(config.guardrails.daemonSetRequestsPerNode.cpu),
        memory: toBytes(config.guardrails.daemonSetRequestsPerNode.memory),
    };
    const groups = Object.entries(config.nodeGroups).map(([name, group]) =>
        groupCapacity(config, name, group, daemonSets),
    );
    return {
        groups,
        complete: groups.every((group) => group.perNode !== null),
        rows: (["cpu", "memory"] as const).map((resource) => nodeRow(resource, groups, daemonSets, systemPods, needed)),
        monthlyCost: nodeCost(config, groups),
    };
}

/** Node CPU or memory: every group the platform's pods run on at maxSize, less DaemonSets and system pods. */
function nodeRow(
    resource: "cpu" | "memory",
    groups: readonly NodeGroupCapacity[],
    daemonSets: Readonly<Record<"cpu" | "memory", number>>,
    systemPods: readonly SystemPod[],
    needed: Readonly<Record<"atMin" | "atMax" | "atMaxDuringRollout", Amounts>>,
): NodeRow {
    const key = resource === "cpu" ? "requests.cpu" : "requests.memory";
    const unit: Unit = resource === "cpu" ? "cores" : "bytes";
    const value = (amount: number) => fromInternal(key, amount);
    const allocatableTotal = groups.reduce(
        (total, group) =>
            total +
            (group.perNode === null || !group.takesPlatformPods
                ? 0
                : group.maxSize * (toInternal(key, group.perNode[resource]) - daemonSets[resource])),
        0,
    );
    const system = systemPods.reduce(
        (total, pod) => total + replicaCount(pod.replicas) * toInternal(key, nonNegative(pod.requests[resource])),
        0,
    );
    const available = allocatableTotal - system;
    return {
        resource,
        unit,
        allocatable: value(allocatableTotal),
        systemPods: value(system),
        available: value(available),
        atMin: value(needed.atMin[key]),
        atMax: value(needed.atMax[key]),
        atMaxDuringRollout: value(needed.atMaxDuringRollout[key]),
        headroom: {
            atMin: value(available - needed.atMin[key]),
            atMax: value(available - needed.atMax[key]),
            atMaxDuringRollout: value(available - needed.atMaxDuringRollout[key]),
        },
        text: {
            allocatable: formatAmount(unit, value(allocatableTotal)),
            available: formatAmount(unit, value(available)),
            atMin: formatAmount(unit, value(needed.atMin[key])),
            atMax: formatAmount(unit, value(needed.atMax[key])),
            atMaxDuringRollout: formatAmount(unit, value(needed.atMaxDuringRollout[key])),
            headroomAtMax: formatAmount(unit, value(available - needed.atMax[key])),
        },
    };
}

/** What the groups cost per month at min and at max size; unknown when one group has no price. */
function nodeCost(config: PlatformConfig, groups: readonly NodeGroupCapacity[]): NodeCost {
    const atMin = sumOfCosts(groups.map((group) => group.monthlyCost.atMin));
    const atMax = sumOfCosts(groups.map((group) => group.monthlyCost.atMax));
    return {
        currency: "USD",
        hoursPerMonth: HOURS_PER_MONTH,
        priceRegion: PRICE_TABLE_REGION,
        atMin,
        atMax,
        text: { atMin: formatUsd(atMin), atMax: formatUsd(atMax) },
        upperBound: Object.values(config.nodeGroups).some((group) => group.capacityType === "SPOT"),
    };
}

/** USD per month for `nodes` nodes at `pricePerHour`, to the cent. */
export function monthly(pricePerHour: number, nodes: number): number {
    return roundCents(pricePerHour * nodes * HOURS_PER_MONTH);
}

/** The sum of monthly costs to the cent; unknown (`null`) when one of them is. */
export function sumOfCosts(costs: readonly (number | null)[]): number | null {
    return costs.some((cost) => cost === null) ? null : roundCents(costs.reduce((sum: number, cost) => sum + cost!, 0));
}

function roundCents(value: number): number {
    return Math.round(value * 100) / 100;
}

/** "$420.48", or "unknown" without a price. */
export function formatUsd(value: number | null): string {
    return value === null ? "unknown" : `$${value.toFixed(2)}`;
}

/** CPU (cores) and memory (bytes) free on the largest node of a group the services run on, after its DaemonSets. */
function largestNodeFree(nodes: NodeReport): { cpu: number; memory: number } | null {
    const free = nodes.groups.flatMap((group) =>
        group.perNode === null || !group.takesPlatformPods
            ? []
            : [
                  {
                      cpu: group.perNode.cpu - group.daemonSetsPerNode.cpu,
                      memory: group.perNode.memory - group.daemonSetsPerNode.memory,
                  },
              ],
    );
    return free.length === 0
        ? null
        : {
              cpu: Math.max(...free.map((node) => node.cpu)),
              memory: Math.max(...free.map((node) => node.memory)),
          };
}

function connectionReport(config: PlatformConfig): ConnectionReport | null {
    const database = config.guardrails.database;
    if (database === undefined) {
        return null;
    }
    const budget = database.maxConnections - database.reservedConnections;
    const pooled = Object.entries(config.services).flatMap(([name, service]) =>
        service.database === undefined ? [] : [{ name, service, pool: service.database }],
    );
    const rows = pooled.map(({ name, service, pool }) => {
        const perPod = pool.poolSize + pool.maxOverflow;
        return {
            name,
            poolSize: pool.poolSize,
            maxOverflow: pool.maxOverflow,
            perPod,
            atMin: perPod * service.minReplicas,
            atMax: perPod * service.maxReplicas,
            atMaxDuringRollout: perPod * (service.maxReplicas + surge(service, service.maxReplicas)),
            maxReplicas: service.maxReplicas,
        };
    });
    const total = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((sum, row) => sum + pick(row), 0);
    const atMax = total((row) => row.atMax);
    const podsAtMax = total((row) => row.maxReplicas);
    return {
        maxConnections: database.maxConnections,
        reservedConnections: database.reservedConnections,
        budget,
        atMin: total((row) => row.atMin),
        atMax,
        atMaxDuringRollout: total((row) => row.atMaxDuringRollout),
        headroom: {
            atMin: budget - total((row) => row.atMin),
            atMax: budget - atMax,
            atMaxDuringRollout: budget - total((row) => row.atMaxDuringRollout),
        },
        largestPoolPerPod: podsAtMax === 0 ? null : Math.max(0, Math.floor(budget / podsAtMax)),
        services: rows.map(
            ({ maxReplicas, ...row }): ServiceConnections => ({
                ...row,
                largestPoolPerPod: Math.max(0, Math.floor((budget - (atMax - row.atMax)) / maxReplicas)),
            }),
        ),
    };
}

/** Extra pods a rolling update of `service` creates at `replicas` (maxSurge rounds up, as the Deployment controller does). */
export function surge(service: Pick<ServiceConfig, "maxSurge">, replicas: number): number {
    return scaleIntOrPercent(service.maxSurge, replicas, true);
}

/** One pod of the service: its own container plus the sidecar allowance (`services.<service>.sidecars`). */
function podAmounts(service: ServiceConfig): Amounts {
    const { requests, limits } = service.resources;
    const sidecars = service.sidecars ?? { requests: { cpu: "0", memory: "0" }, limits: { cpu: "0", memory: "0" } };
    return {
        "requests.cpu": toMillicores(requests.cpu) + toMillicores(sidecars.requests.cpu),
        "requests.memory": toBytes(requests.memory) + toBytes(sidecars.requests.memory),
        "limits.cpu": toMillicores(limits.cpu) + toMillicores(sidecars.limits.cpu),
        "limits.memory": toBytes(limits.memory) + toBytes(sidecars.limits.memory),
        pods: 1,
    };
}

/** A system pod's quota usage; limits default to the namespace LimitRange's, as the API server fills them in. */
function systemPodAmounts(pod: SystemPod, config: PlatformConfig): Amounts {
    const defaults = config.namespace.limitRange.default;
    return {
        "requests.cpu": toInternal("requests.cpu", nonNegative(pod.requests.cpu)),
        "requests.memory": toInternal("requests.memory", nonNegative(pod.requests.memory)),
        "limits.cpu":
            pod.limits === undefined
                ? toMillicores(defaults.cpu)
                : toInternal("limits.cpu", nonNegative(pod.limits.cpu)),
        "limits.memory":
            pod.limits === undefined
                ? toBytes(defaults.memory)
                : toInternal("limits.memory", nonNegative(pod.limits.memory)),
        pods: 1,
    };
}

function quotaHard(config: PlatformConfig): Partial<Amounts> {
    const hard: Partial<Amounts> = {};
    for (const resource of QUOTA_RESOURCES) {
        const value = config.namespace.quota[resource];
        if (value !== undefined) {
            hard[resource] = UNITS[resource] === "cores" ? toMillicores(value) : toBytes(value);
        }
    }
    return hard;
}

function scale(amounts: Amounts, factor: number): Amounts {
    return Object.fromEntries(QUOTA_RESOURCES.map((resource) => [resource, amounts[resource] * factor])) as Amounts;
}

function sum(list: readonly Amounts[]): Amounts {
    return Object.fromEntries(
        QUOTA_RESOURCES.map((resource) => [resource, list.reduce((total, amounts) => total + amounts[resource], 0)]),
    ) as Amounts;
}

function replicaCount(replicas: number): number {
    return Number.isFinite(replicas) ? Math.max(0, Math.floor(replicas)) : 0;
}

function nonNegative(value: number): number {
    return Number.isFinite(value) ? Math.max(0, value) : 0;
}

/** Internal amounts (millicores for CPU) as the report gives them (cores for CPU). */
function fromInternal(resource: QuotaResource, amount: number): number {
    return UNITS[resource] === "cores" ? amount / 1000 : amount;
}

function toInternal(resource: QuotaResource, amount: number): number {
    return UNITS[resource] === "cores" ? Math.ceil(amount * 1000 - 1e-6) : amount;
}

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** A report figure as text: cores as a decimal ("45.5"), bytes in Gi or Mi ("22.75Gi", "120Mi"), pods as a count. */
export function formatAmount(unit: Unit, value: number): string {
    if (value < 0) {
        return `-${formatAmount(unit, -value)}`;
    }
    const round = (number: number, digits: number) => String(Number(number.toFixed(digits)));
    switch (unit) {
        case "cores":
            return round(value, 3);
        case "bytes":
            return value >= GIB
                ? `${round(value / GIB, 2)}Gi`
                : value >= MIB
                  ? `${round(value / MIB, 2)}Mi`
                  : round(value, 0);
        case "pods":
            return round(value, 0);
    }
}
