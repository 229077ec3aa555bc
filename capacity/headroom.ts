// Headroom (`addons.clusterAutoscaler.headroom`, docs/headroom.md) as placeholder pods: how many,
// how large, and what the nodes that hold them cost. Pure; the component, the capacity report, the
// drain audit and the simulator all read this one plan.
import type { ConfigCheck, PlatformConfig } from "../config";
import { configCheck, keyName } from "../config";
import { HEADROOM } from "../catalog/headroom";
import type { PlatformPod } from "../catalog/platform-pods";
import { HOURS_PER_MONTH, hourlyPrice } from "../catalog/prices";
import { toBytes, toMillicores } from "../quantity";
import { allocatable, instanceTypeSpec } from "./instance-types";

const MIB = 2 ** 20;

export interface HeadroomPlan {
    readonly namespace: string;
    readonly priorityClass: string;
    /** What the stack asks for, as written. */
    readonly requested: { readonly cpu: string; readonly memory: string };
    /** Placeholder pods: the fewest units no larger than the smallest node's room after its DaemonSets. */
    readonly units: number;
    /** One unit's requests (and limits): millicores and bytes, and as the pod spec writes them. */
    readonly unit: {
        readonly cpuMillicores: number;
        readonly memoryBytes: number;
        readonly cpu: string;
        readonly memory: string;
    };
    /** The node group whose node bounds the unit (the smallest), where the units' cost is counted. */
    readonly nodeGroup: string;
    /** Nodes of that group the units fill on their own: the most headroom adds to the bill. */
    readonly nodes: number;
    /** USD per month of those nodes (730 h); null without a price. */
    readonly monthlyCost: number | null;
}

/** The room one node of each group offers pods after its DaemonSets, the smallest type of each group. */
function nodeRooms(config: PlatformConfig): { group: string; cpu: number; memory: number; price: number | null }[] {
    const daemonSets = config.guardrails.daemonSetRequestsPerNode;
    return Object.entries(config.nodeGroups).flatMap(([group, settings]) => {
        const known = settings.instanceTypes.flatMap((type) => {
            const spec = instanceTypeSpec(type, config.guardrails.instanceTypes);
            return spec === undefined ? [] : [allocatable(spec)];
        });
        if (known.length === 0) return [];
        const prices = settings.instanceTypes.map((type) => hourlyPrice(type, config.simulation.tuning.prices));
        return [
            {
                group,
                cpu: Math.min(...known.map((node) => node.cpuMillicores)) - toMillicores(daemonSets.cpu),
                memory: Math.min(...known.map((node) => node.memoryBytes)) - toBytes(daemonSets.memory),
                price: prices.some((price) => price === undefined) ? null : Math.max(...(prices as number[])),
            },
        ];
    });
}

/** The stack's headroom plan; null when headroom is off or no node group's size is known (the capacity check reports that). */
export function headroomPlan(config: PlatformConfig): HeadroomPlan | null {
    const headroom = config.addons.clusterAutoscaler.headroom;
    const rooms = nodeRooms(config);
    if (headroom === undefined || rooms.length === 0) return null;
    const smallest = rooms.reduce((best, room) =>
        room.cpu < best.cpu || (room.cpu === best.cpu && room.memory < best.memory) ? room : best,
    );
    const maxCpu = Math.min(...rooms.map((room) => room.cpu));
    // Whole MiB, so that the unit's text is exact.
    const maxMemory = Math.floor(Math.min(...rooms.map((room) => room.memory)) / MIB) * MIB;
    const cpu = toMillicores(headroom.cpu);
    const memory = toBytes(headroom.memory);
    const units = Math.max(1, Math.ceil(cpu / maxCpu - 1e-9), Math.ceil(memory / maxMemory - 1e-9));
    const unitCpu = Math.ceil(cpu / units - 1e-9);
    const unitMemory = Math.ceil(memory / units / MIB - 1e-9) * MIB;
    const perNode = Math.max(1, Math.min(Math.floor(smallest.cpu / unitCpu), Math.floor(smallest.memory / unitMemory)));
    const nodes = Math.ceil(units / perNode);
    return {
        namespace: HEADROOM.namespace,
        priorityClass: HEADROOM.priorityClass.name,
        requested: { cpu: headroom.cpu, memory: headroom.memory },
        units,
        unit: { cpuMillicores: unitCpu, memoryBytes: unitMemory, cpu: `${unitCpu}m`, memory: `${unitMemory / MIB}Mi` },
        nodeGroup: smallest.group,
        nodes,
        monthlyCost: smallest.price === null ? null : Math.round(smallest.price * nodes * HOURS_PER_MONTH * 100) / 100,
    };
}

/**
 * The placeholder pods as the drain audit sees them: a Deployment outside kube-system, no local
 * volume, no PDB. No drainability rule of cluster-autoscaler blocks them, so they never pin a node;
 * their priority is at the expendable cutoff, not below it, so scale-down still finds them a place
 * elsewhere before removing a node (core/utils/expendable.go `IsExpendablePod`, cluster-autoscaler-1.34.5).
 */
export function headroomPods(config: PlatformConfig): PlatformPod[] {
    const plan = headroomPlan(config);
    if (plan === null) return [];
    return [
        {
            name: HEADROOM.deployment,
            installedBy: "components/headroom.ts",
            namespace: plan.namespace,
            kind: "Deployment",
            replicas: plan.units,
            requests: { cpu: plan.unit.cpu, memory: plan.unit.memory },
            localVolumes: [],
            safeToEvictLocalVolumes: [],
            pdb: null,
            priorityClassName: plan.priorityClass,
            sources: ["capacity/headroom.ts headroomPlan (addons.clusterAutoscaler.headroom)"],
        },
    ];
}

/**
 * Config check: headroom needs cluster-autoscaler (nothing else adds the node a displaced
 * placeholder waits for), and a service that may preempt to take it (scheduler
 * `DefaultPreemption.PodEligibleToPreemptOthers`, kubernetes v1.34: a pod whose PriorityClass has
 * preemptionPolicy Never never evicts a placeholder; it waits for a node like any other).
 */
export const headroomCheck: ConfigCheck = configCheck(
    "Headroom needs cluster-autoscaler enabled, and a service whose PriorityClass may preempt a placeholder (scheduler DefaultPreemption).",
    (config) => {
        const errors: string[] = [];
        const warnings: string[] = [];
        const headroom = config.addons.clusterAutoscaler.headroom;
        if (headroom === undefined) return { errors, warnings };
        const key = keyName(["addons", "clusterAutoscaler", "headroom"]);
        const value = `cpu ${headroom.cpu}, memory ${headroom.memory}`;
        if (!config.addons.clusterAutoscaler.enabled) {
            errors.push(
                `${key} (${value}) must come with ${keyName(["addons", "clusterAutoscaler", "enabled"])} true: nothing else adds a node for a displaced placeholder\n` +
                    `enable cluster-autoscaler, or remove ${key}`,
            );
        }
        const preempting = Object.values(config.services).filter((service) => service.priority === "critical");
        if (Object.keys(config.services).length > 0 && preempting.length === 0) {
            warnings.push(
                `${key} (${value}) is taken by no service: only priority critical may preempt a placeholder (standard's preemptionPolicy is Never)\n` +
                    `set ${keyName(["services", "<name>", "priority"])} critical for the services that must not wait for a node, or remove ${key}`,
            );
        }
        return { errors, warnings };
    },
);
