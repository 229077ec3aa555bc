/**
 * The cluster around the HPA: nodes of the stack's node groups, the scheduler (LeastAllocated, with
 * preemption of headroom's placeholders), the namespace's ResourceQuota and cluster-autoscaler 1.34.
 * One mutable `Cluster` per simulation run (simulator/run.ts owns and steps it). The model and the
 * upstream code each rule follows: docs/design/simulator.md "The cluster".
 */
import type { PlatformConfig } from "../config";
import { QUOTA_RESOURCES, QuotaResource } from "../capacity/model";
import { allocatable, instanceTypeSpec } from "../capacity/instance-types";
import { parseQuantity, toBytes, toMillicores } from "../quantity";
import { durationSeconds } from "./service-model";
import { drainVerdict } from "../capacity/drain";
import { platformPods } from "../catalog/platform-pods";
import { headroomPlan } from "../capacity/headroom";
import { avoidedByPlatformPods, takesPlatformPods } from "../capacity/taints";

/** cluster-autoscaler's `--scan-interval` default. */
export const CA_SCAN_INTERVAL_SECONDS = 10;
/** cluster-autoscaler's `--scale-down-utilization-threshold` default. */
export const CA_SCALE_DOWN_UTILIZATION_THRESHOLD = 0.5;
/**
 * How long a deleted pod terminates, by default: Kubernetes' default terminationGracePeriodSeconds
 * (30, pkg/apis/core/types.go DefaultTerminationGracePeriodSeconds), the longest a pod that does not
 * set one takes before the kubelet kills it. An assumption: a pod that exits on SIGTERM goes sooner.
 */
export const DEFAULT_POD_TERMINATION_SECONDS = 30;
/** cluster-autoscaler 1.34's `--blocking-system-pod-distruption-timeout` default (config/flags/flags.go), seconds. */
export const CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS = 3600;
/** Pods of the per-node DaemonSets (aws-node, kube-proxy, ebs-csi-node, eks-pod-identity-agent, node-exporter): they count against maxPods. */
export const DAEMONSET_PODS_PER_NODE = 5;

/** CPU in millicores, memory in bytes. */
export interface Resources {
    readonly cpu: number;
    readonly memory: number;
}

/** What a pod asks for, as the scheduler and the quota count it. */
export interface PodTemplate {
    /** Index of the owning service in the run, or -1 for an add-on's pod. */
    readonly owner: number;
    readonly critical: boolean;
    readonly requests: Resources;
    readonly limits: Resources;
    /**
     * Keeps its node from scale-down (a drainability rule blocks it): for `seconds` after the pod's
     * creation (the system rule's timeout), or for good without `seconds`.
     */
    readonly pin?: { readonly reason: string; readonly seconds?: number };
    /** Counted by the namespace's ResourceQuota (the services' pods, not the add-ons'). */
    readonly inNamespace: boolean;
    /** The pod template's revision (its ReplicaSet) for a rolling update; default 0. */
    readonly revision?: number;
    /** A headroom placeholder (capacity/headroom.ts): below every real pod, preempted by any critical pod. */
    readonly placeholder?: boolean;
}

export interface Pod extends PodTemplate {
    readonly id: number;
    readonly createdAt: number;
    node: Node | undefined;
    /** When it was bound to a node and its containers started. */
    startedAt: number | undefined;
    /** When it passes (or passed) its readiness probe. */
    readyAt: number | undefined;
    /** Set once it is deleted while on a node: it terminates until then, keeping its quota and its room. */
    goneAt: number | undefined;
}

export interface Node {
    readonly id: number;
    readonly group: string;
    /** The group's taints keep every simulated pod off (NodeGroupShape `repels`). */
    readonly repels: boolean;
    /** Only PreferNoSchedule taints: the scheduler ranks the node after all others. */
    readonly avoided: boolean;
    /** When the node joins the cluster Ready (later than now while it is provisioning). */
    readonly readyAt: number;
    readonly allocatable: Resources & { readonly pods: number };
    /** Requests of its pods and DaemonSets. */
    used: { cpu: number; memory: number; pods: number };
    readonly pods: Set<Pod>;
    unneededSince: number | undefined;
}

/** A node group as cluster-autoscaler sees it. */
export interface NodeGroupShape {
    readonly name: string;
    readonly minSize: number;
    readonly maxSize: number;
    readonly desiredSize: number;
    readonly allocatable: Resources & { readonly pods: number };
    /** The node's `status.capacity` (the instance's vCPUs and memory): what least-waste measures against. */
    readonly capacity: Resources;
    readonly daemonSets: Resources & { readonly pods: number };
    /**
     * A NO_SCHEDULE or NO_EXECUTE taint: no simulated pod (service or add-on) tolerates it, so the
     * scheduler never binds one here and cluster-autoscaler never grows the group for one (its
     * scale-up simulation runs the scheduler's filters, TaintToleration among them). Absent: false.
     */
    readonly repels?: boolean;
    /** Only PREFER_NO_SCHEDULE taints: kube-scheduler's TaintToleration score puts it last. Absent: false. */
    readonly avoided?: boolean;
}

export interface AutoscalerSettings {
    readonly enabled: boolean;
    readonly provisioningSeconds: number;
    readonly delayAfterAddSeconds: number;
    readonly delayAfterDeleteSeconds: number;
    readonly unneededSeconds: number;
    readonly skipNodesWithSystemPods: boolean;
    readonly expander: string;
}

export interface ClusterSettings {
    readonly groups: readonly NodeGroupShape[];
    readonly autoscaler: AutoscalerSettings;
    /** Hard limits of the quota keys the simulator counts (CPU in millicores, memory in bytes). */
    readonly quota: Partial<Record<QuotaResource, number>>;
    readonly podReadySeconds: number;
    /**
     * Seconds a deleted pod on a node takes to terminate (containers stopped, object removed): it keeps
     * its quota and its node's room until then. Default DEFAULT_POD_TERMINATION_SECONDS.
     */
    readonly terminationSeconds: number;
}

/** The cluster's settings from the stack's config: node groups, cluster-autoscaler flags, the quota. */
export function clusterSettings(config: PlatformConfig): ClusterSettings {
    const ca = config.addons.clusterAutoscaler;
    const daemonSets = config.guardrails.daemonSetRequestsPerNode;
    return {
        groups: Object.entries(config.nodeGroups).map(([name, group]) => {
            const type = group.instanceTypes[0];
            const spec = instanceTypeSpec(type, config.guardrails.instanceTypes);
            if (spec === undefined) {
                throw new Error(
                    `${name}: instance type ${type} is not in capacity/instance-types.ts; add it under guardrails.instanceTypes`,
                );
            }
            const node = allocatable(spec);
            return {
                name,
                minSize: group.minSize,
                maxSize: group.maxSize,
                desiredSize: group.desiredSize,
                allocatable: { cpu: node.cpuMillicores, memory: node.memoryBytes, pods: node.pods },
                capacity: { cpu: spec.vcpu * 1000, memory: spec.memoryMiB * 2 ** 20 },
                daemonSets: {
                    cpu: toMillicores(daemonSets.cpu),
                    memory: toBytes(daemonSets.memory),
                    pods: DAEMONSET_PODS_PER_NODE,
                },
                repels: !takesPlatformPods(group),
                avoided: avoidedByPlatformPods(group),
            };
        }),
        autoscaler: {
            enabled: ca.enabled,
            provisioningSeconds: ca.nodeProvisioningSeconds,
            delayAfterAddSeconds: durationSeconds(ca.scaleDownDelayAfterAdd),
            delayAfterDeleteSeconds: durationSeconds(ca.scaleDownDelayAfterDelete),
            unneededSeconds: durationSeconds(ca.scaleDownUnneededTime),
            skipNodesWithSystemPods: ca.skipNodesWithSystemPods,
            expander: ca.expander,
        },
        quota: Object.fromEntries(
            QUOTA_RESOURCES.filter((key) => config.namespace.quota[key] !== undefined).map((key) => [
                key,
                quotaAmount(key, config.namespace.quota[key]!),
            ]),
        ),
        podReadySeconds: config.simulation.podReadySeconds,
        terminationSeconds: DEFAULT_POD_TERMINATION_SECONDS,
    };
}

function quotaAmount(key: QuotaResource, value: string): number {
    return key.endsWith(".cpu")
        ? toMillicores(value)
        : key.endsWith(".memory")
          ? toBytes(value)
          : Math.floor(parseQuantity(value));
}

/**
 * The platform's own pods, from the table the capacity model and the drain audit read
 * (catalog/platform-pods.ts; the DaemonSets are the nodes' `daemonSets`). Each pins its node as the
 * drain audit (capacity/drain.ts, cluster-autoscaler 1.34's rules) says: for good (Prometheus,
 * safe-to-evict "false"), or, for a kube-system pod no PDB matches, for the blocking-system-pod
 * timeout after its creation (simulator/drainability/rules/system/rule.go `Rule.Drainable`).
 */
export function addonPods(config: PlatformConfig): PodTemplate[] {
    const flags = config.addons.clusterAutoscaler;
    return platformPods(config)
        .filter((pod) => pod.kind !== "DaemonSet")
        .flatMap((pod) => {
            const blocks = drainVerdict(pod, flags).blocks;
            const amounts = { cpu: toMillicores(pod.requests.cpu), memory: toBytes(pod.requests.memory) };
            const pin: PodTemplate["pin"] =
                blocks === null
                    ? undefined
                    : blocks.until !== undefined
                      ? { reason: blocks.reason, seconds: CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS }
                      : { reason: blocks.reason };
            return Array.from(
                { length: pod.replicas },
                (): PodTemplate => ({
                    owner: -1,
                    critical: true,
                    requests: amounts,
                    limits: amounts,
                    ...(pin !== undefined ? { pin } : {}),
                    inNamespace: false,
                }),
            );
        })
        .concat(placeholderPods(config));
}

/** Headroom's placeholder pods (addons.clusterAutoscaler.headroom): none when it is off. */
export function placeholderPods(config: PlatformConfig): PodTemplate[] {
    const plan = headroomPlan(config);
    if (plan === null) return [];
    const amounts = { cpu: plan.unit.cpuMillicores, memory: plan.unit.memoryBytes };
    return Array.from(
        { length: plan.units },
        (): PodTemplate => ({
            owner: -1,
            critical: false,
            placeholder: true,
            requests: amounts,
            limits: amounts,
            inNamespace: false,
        }),
    );
}

/** Whether `pod`'s pin still holds at `now`: upstream drains it once `now` is after creation + timeout. */
export function pinHolds(pod: Pick<Pod, "pin" | "createdAt">, now: number): boolean {
    if (pod.pin === undefined) return false;
    return pod.pin.seconds === undefined || !(now > pod.createdAt + pod.pin.seconds);
}

/** One node group cluster-autoscaler could grow: `nodes` new nodes holding the pods in `placed`. */
export interface ExpansionOption {
    readonly group: NodeGroupShape;
    readonly nodes: readonly (readonly Pod[])[];
    readonly placed: readonly Pick<Pod, "requests">[];
}

/**
 * expander/waste/waste.go `BestOptions`: the wasted fraction of CPU plus that of memory over the
 * new nodes' capacity, `(n x capacity - Σ requests) / (n x capacity)`, the capacity from
 * `resourcesForNode` (cluster-autoscaler-1.34.5).
 */
export function wasteScore(option: ExpansionOption): number {
    const cpu = option.nodes.length * option.group.capacity.cpu;
    const memory = option.nodes.length * option.group.capacity.memory;
    const usedCpu = option.placed.reduce((total, pod) => total + pod.requests.cpu, 0);
    const usedMemory = option.placed.reduce((total, pod) => total + pod.requests.memory, 0);
    return (cpu - usedCpu) / cpu + (memory - usedMemory) / memory;
}

/** The expander's pick: least-waste (ties: first by name), most-pods, or the first group by name. */
export function chooseExpansion<T extends ExpansionOption>(expander: string, options: readonly T[]): T {
    const sorted = [...options].sort((a, b) => a.group.name.localeCompare(b.group.name));
    if (expander === "least-waste")
        return sorted.reduce((best, option) => (wasteScore(option) < wasteScore(best) ? option : best));
    if (expander === "most-pods")
        return sorted.reduce((best, option) => (option.placed.length > best.placed.length ? option : best));
    return sorted[0];
}

/** What one cluster-autoscaler scan did. */
export interface ScanResult {
    readonly nodesAdded: number;
    readonly nodesRemoved: number;
    /** Pods evicted from removed nodes (their owners recreate them). */
    readonly evicted: readonly Pod[];
    /** Pending pods per owner that no node group could take because it is at maxSize. */
    readonly blockedByMax: ReadonlyMap<number, number>;
}

export class Cluster {
    readonly nodes: Node[] = [];
    readonly pending: Pod[] = [];
    /** Deleted pods still terminating on their nodes, until their `goneAt`. */
    readonly terminating: Pod[] = [];
    readonly quotaUsed: Record<QuotaResource, number> = {
        "requests.cpu": 0,
        "requests.memory": 0,
        "limits.cpu": 0,
        "limits.memory": 0,
        pods: 0,
    };
    private nextPodId = 0;
    private nextNodeId = 0;
    private lastScaleUp = Number.NEGATIVE_INFINITY;
    private lastScaleDown = Number.NEGATIVE_INFINITY;
    /** Placeholders on nodes: without any, a pod that fits nowhere has nothing to preempt. */
    private placeholdersBound = 0;

    /** `disruptionsAllowed(owner, now)`: evictions the owner's PDB allows at `now`. */
    constructor(
        readonly settings: ClusterSettings,
        private readonly disruptionsAllowed: (owner: number, now: number) => number,
    ) {
        for (const group of settings.groups) {
            for (let i = 0; i < group.desiredSize; i++) this.addNode(group, Number.NEGATIVE_INFINITY);
        }
    }

    /** Nodes that exist, Ready or on their way. */
    nodeCount(now: number, readyOnly = false): number {
        return readyOnly ? this.nodes.filter((node) => node.readyAt <= now).length : this.nodes.length;
    }

    /**
     * Creates a pod if the quota admits it; otherwise returns the quota keys that refused it.
     * The pod waits in `pending` for the scheduler.
     */
    createPod(template: PodTemplate, now: number, createdAt = now): Pod | { refusedBy: QuotaResource[] } {
        this.reap(now);
        if (template.inNamespace) {
            const refusedBy = QUOTA_RESOURCES.filter((key) => {
                const hard = this.settings.quota[key];
                return hard !== undefined && this.quotaUsed[key] + quotaCharge(template, key) > hard;
            });
            if (refusedBy.length > 0) return { refusedBy };
            for (const key of QUOTA_RESOURCES) this.quotaUsed[key] += quotaCharge(template, key);
        }
        // Every field named, in one order: pods made from different templates share one shape, so the
        // loops over pods stay monomorphic (a spread copies only the template's own keys).
        const pod: Pod = {
            owner: template.owner,
            critical: template.critical,
            requests: template.requests,
            limits: template.limits,
            pin: template.pin,
            inNamespace: template.inNamespace,
            revision: template.revision,
            placeholder: template.placeholder,
            id: this.nextPodId++,
            createdAt,
            node: undefined,
            startedAt: undefined,
            readyAt: undefined,
            goneAt: undefined,
        };
        this.pending.push(pod);
        return pod;
    }

    /**
     * Deletes a pod (the ReplicaSet scaling down, or an eviction). A pod not yet on a node goes at once
     * (the API server deletes an unbound pod without a grace period). A pod on a node terminates for
     * `terminationSeconds`: it serves nothing, its owner no longer counts it, but until it is gone it
     * keeps its node's room (the scheduler counts it) and its quota: kubernetes
     * pkg/quota/v1/evaluator/core/pods.go `QuotaV1Pod` charges a pod with a deletionTimestamp until
     * deletionTimestamp + grace period has passed, and the quota controller releases it when the pod
     * object is gone (`reap`).
     */
    deletePod(pod: Pod, now: number): void {
        if (pod.node === undefined) {
            const index = this.pending.indexOf(pod);
            if (index >= 0) this.pending.splice(index, 1);
            this.release(pod);
            return;
        }
        pod.goneAt = now + this.settings.terminationSeconds;
        this.terminating.push(pod);
        this.reap(now);
    }

    /** Removes the terminated pods whose time has come: their nodes' room and their quota come back. */
    reap(now: number): void {
        for (let i = this.terminating.length - 1; i >= 0; i--) {
            const pod = this.terminating[i];
            if (pod.goneAt! > now) continue;
            this.terminating.splice(i, 1);
            this.unbind(pod);
            this.release(pod);
        }
    }

    private release(pod: Pod): void {
        if (pod.inNamespace) {
            for (const key of QUOTA_RESOURCES) this.quotaUsed[key] -= quotaCharge(pod, key);
        }
    }

    /** Binds pending pods to ready nodes: critical first, then oldest, placeholders last; the node with the most room left. */
    schedule(now: number): void {
        this.reap(now);
        if (this.pending.length === 0) return;
        this.pending.sort((a, b) => schedulingRank(a) - schedulingRank(b) || a.id - b.id);
        const left: Pod[] = [];
        // Placeholders a preemption recreates wait for the next pass, as their new pods would.
        const pending = this.pending.slice();
        for (const pod of pending) {
            let best: Node | undefined;
            let bestScore = -1;
            for (const node of this.nodes) {
                if (node.repels || node.readyAt > now || !fits(node, pod.requests)) continue;
                // Both free fractions lie in [0, 1]: less 2, an avoided node ranks below every other.
                const score =
                    (node.allocatable.cpu - node.used.cpu - pod.requests.cpu) / node.allocatable.cpu +
                    (node.allocatable.memory - node.used.memory - pod.requests.memory) / node.allocatable.memory -
                    (node.avoided ? 2 : 0);
                if (score > bestScore) {
                    best = node;
                    bestScore = score;
                }
            }
            best ??= pod.critical ? this.preemptFor(pod, now) : undefined;
            if (best === undefined) {
                left.push(pod);
                continue;
            }
            this.bind(pod, best);
            pod.startedAt = now;
            pod.readyAt = now + this.settings.podReadySeconds;
        }
        const recreated = this.pending.slice(pending.length);
        this.pending.length = 0;
        this.pending.push(...left, ...recreated);
    }

    /**
     * kube-scheduler's preemption, for headroom's placeholders only (kubernetes v1.34
     * pkg/scheduler/framework/plugins/defaultpreemption `DefaultPreemption`: only a pod whose
     * preemptionPolicy is not Never preempts, `PodEligibleToPreemptOthers`; victims are pods of lower
     * priority, and `SelectVictimsOnNode` reprieves as many as still leave room; the node with the
     * fewest victims wins). Placeholders stop at once (terminationGracePeriodSeconds 0): their room
     * is free in the same pass, and their ReplicaSet recreates each, Pending.
     */
    private preemptFor(pod: Pod, now: number): Node | undefined {
        if (this.placeholdersBound === 0) return undefined;
        let best: { node: Node; victims: Pod[] } | undefined;
        for (const node of this.nodes) {
            if (node.readyAt > now) continue;
            const room = { ...node.used };
            const victims: Pod[] = [];
            for (const other of node.pods) {
                if (fitsAmounts(node.allocatable, room, pod.requests)) break;
                if (!other.placeholder || other.goneAt !== undefined) continue;
                victims.push(other);
                room.cpu -= other.requests.cpu;
                room.memory -= other.requests.memory;
                room.pods -= 1;
            }
            if (victims.length === 0 || !fitsAmounts(node.allocatable, room, pod.requests)) continue;
            if (best === undefined || victims.length < best.victims.length) best = { node, victims };
        }
        if (best === undefined) return undefined;
        for (const victim of best.victims) {
            this.unbind(victim);
            this.createPod(victim, now);
        }
        return best.node;
    }

    /** One cluster-autoscaler scan: scale up for pending pods, then scale down unneeded nodes. */
    autoscale(now: number): ScanResult {
        this.reap(now);
        const none: ScanResult = { nodesAdded: 0, nodesRemoved: 0, evicted: [], blockedByMax: new Map() };
        if (!this.settings.autoscaler.enabled) return none;
        const up = this.scaleUp(now);
        const down = up.nodesAdded > 0 ? { nodesRemoved: 0, evicted: [] } : this.scaleDown(now);
        return {
            nodesAdded: up.nodesAdded,
            blockedByMax: up.blockedByMax,
            nodesRemoved: down.nodesRemoved,
            evicted: down.evicted,
        };
    }

    private scaleUp(now: number): { nodesAdded: number; blockedByMax: Map<number, number> } {
        const blockedByMax = new Map<number, number>();
        if (this.pending.length === 0) return { nodesAdded: 0, blockedByMax };
        // Pods that fit on nodes already on their way wait for them.
        const upcomingRoom = this.nodes.filter((node) => node.readyAt > now && !node.repels);
        const upcoming = upcomingRoom.map((node) => ({ ...node.used }));
        let waiting = this.pending.filter((pod) => {
            const index = upcomingRoom.findIndex((node, i) => fitsAmounts(node.allocatable, upcoming[i], pod.requests));
            if (index < 0) return true;
            addTo(upcoming[index], pod.requests);
            return false;
        });
        let nodesAdded = 0;
        while (waiting.length > 0) {
            const options = this.settings.groups
                .filter((group) => group.repels !== true)
                .map((group) => ({
                    group,
                    room: group.maxSize - this.nodes.filter((node) => node.group === group.name).length,
                    ...packOnNewNodes(group, waiting),
                }))
                .filter((option) => option.placed.length > 0);
            if (options.length === 0) break;
            const open = options.filter((option) => option.room > 0);
            if (open.length === 0) {
                for (const pod of waiting) {
                    if (options.some((option) => option.placed.includes(pod))) {
                        blockedByMax.set(pod.owner, (blockedByMax.get(pod.owner) ?? 0) + 1);
                    }
                }
                break;
            }
            const chosen = this.expand(open);
            const count = Math.min(chosen.nodes.length, chosen.room);
            for (let i = 0; i < count; i++)
                this.addNode(chosen.group, now + this.settings.autoscaler.provisioningSeconds);
            nodesAdded += count;
            const covered = new Set(chosen.nodes.slice(0, count).flat());
            waiting = waiting.filter((pod) => !covered.has(pod));
        }
        if (nodesAdded > 0) this.lastScaleUp = now;
        return { nodesAdded, blockedByMax };
    }

    /** The expander's choice among node groups that can still grow. */
    private expand<T extends ExpansionOption>(options: T[]): T {
        return chooseExpansion(this.settings.autoscaler.expander, options);
    }

    private scaleDown(now: number): { nodesRemoved: number; evicted: Pod[] } {
        const ca = this.settings.autoscaler;
        const candidates: Node[] = [];
        for (const node of this.nodes) {
            if (node.readyAt > now || !this.unneeded(node, now)) {
                node.unneededSince = undefined;
                continue;
            }
            node.unneededSince ??= now;
            if (now - node.unneededSince >= ca.unneededSeconds) candidates.push(node);
        }
        if (
            candidates.length === 0 ||
            now < this.lastScaleUp + ca.delayAfterAddSeconds ||
            now < this.lastScaleDown + ca.delayAfterDeleteSeconds
        ) {
            return { nodesRemoved: 0, evicted: [] };
        }
        const size = (group: string) => this.nodes.filter((node) => node.group === group).length;
        const minSize = (group: string) => this.settings.groups.find((shape) => shape.name === group)!.minSize;
        const empty = candidates.filter((node) => [...node.pods].every((pod) => pod.goneAt !== undefined));
        const removed: Node[] = [];
        for (const node of empty.length > 0 ? empty : candidates.slice(0, 1)) {
            if (size(node.group) > minSize(node.group)) {
                removed.push(node);
                this.nodes.splice(this.nodes.indexOf(node), 1);
            }
        }
        const evicted: Pod[] = [];
        for (const node of removed) {
            for (const pod of [...node.pods]) {
                if (pod.goneAt !== undefined) continue;
                this.deletePod(pod, now);
                evicted.push(pod);
            }
        }
        if (removed.length > 0) this.lastScaleDown = now;
        return { nodesRemoved: removed.length, evicted };
    }

    /** At or below the utilization threshold, no pin holding, PDBs allow it, pods fit elsewhere. */
    private unneeded(node: Node, now: number): boolean {
        if (!underutilized(node)) return false;
        // Terminating pods are on their way out: nothing to evict or to place elsewhere.
        const pods = [...node.pods].filter((pod) => pod.goneAt === undefined);
        const evictions = new Map<number, number>();
        for (const pod of pods) {
            if (pinHolds(pod, now)) return false;
            if (pod.owner >= 0) evictions.set(pod.owner, (evictions.get(pod.owner) ?? 0) + 1);
        }
        for (const [owner, count] of evictions) {
            if (count > this.disruptionsAllowed(owner, now)) return false;
        }
        const others = this.nodes.filter((other) => other !== node && other.readyAt <= now && !other.repels);
        const room = others.map((other) => ({ ...other.used }));
        for (const pod of pods) {
            const index = others.findIndex((other, i) => fitsAmounts(other.allocatable, room[i], pod.requests));
            if (index < 0) return false;
            addTo(room[index], pod.requests);
        }
        return true;
    }

    private addNode(group: NodeGroupShape, readyAt: number): void {
        this.nodes.push({
            id: this.nextNodeId++,
            group: group.name,
            repels: group.repels === true,
            avoided: group.avoided === true,
            readyAt,
            allocatable: group.allocatable,
            used: { ...group.daemonSets },
            pods: new Set(),
            unneededSince: undefined,
        });
    }

    private bind(pod: Pod, node: Node): void {
        pod.node = node;
        node.pods.add(pod);
        addTo(node.used, pod.requests);
        if (pod.placeholder === true) this.placeholdersBound++;
    }

    private unbind(pod: Pod): void {
        const node = pod.node;
        if (node === undefined) return;
        node.pods.delete(pod);
        node.used.cpu -= pod.requests.cpu;
        node.used.memory -= pod.requests.memory;
        node.used.pods -= 1;
        pod.node = undefined;
        if (pod.placeholder === true) this.placeholdersBound--;
    }
}

/** cluster-autoscaler-1.34.5 eligibility.go `isNodeAtOrBelowUtilizationThreshold`: max(cpu, memory) requests / allocatable, not above the threshold. */
export function underutilized(
    node: Pick<Node, "used" | "allocatable">,
    threshold = CA_SCALE_DOWN_UTILIZATION_THRESHOLD,
): boolean {
    const utilization = Math.max(node.used.cpu / node.allocatable.cpu, node.used.memory / node.allocatable.memory);
    return !(utilization > threshold);
}

/** The scheduling queue's order: critical pods, then the others, then headroom's placeholders (the lowest priority). */
function schedulingRank(pod: PodTemplate): number {
    return pod.placeholder === true ? 2 : pod.critical ? 0 : 1;
}

function quotaCharge(pod: PodTemplate, key: QuotaResource): number {
    switch (key) {
        case "requests.cpu":
            return pod.requests.cpu;
        case "requests.memory":
            return pod.requests.memory;
        case "limits.cpu":
            return pod.limits.cpu;
        case "limits.memory":
            return pod.limits.memory;
        case "pods":
            return 1;
    }
}

function fits(node: Node, requests: Resources): boolean {
    return fitsAmounts(node.allocatable, node.used, requests);
}

function fitsAmounts(
    capacity: Resources & { pods: number },
    used: { cpu: number; memory: number; pods: number },
    requests: Resources,
): boolean {
    return (
        used.cpu + requests.cpu <= capacity.cpu &&
        used.memory + requests.memory <= capacity.memory &&
        used.pods + 1 <= capacity.pods
    );
}

function addTo(used: { cpu: number; memory: number; pods: number }, requests: Resources): void {
    used.cpu += requests.cpu;
    used.memory += requests.memory;
    used.pods += 1;
}

/** cluster-autoscaler's estimate: first-fit of the pods onto new, empty nodes of the group; pods no new node holds are left out. */
function packOnNewNodes(group: NodeGroupShape, pods: readonly Pod[]): { nodes: Pod[][]; placed: Pod[] } {
    const nodes: { used: { cpu: number; memory: number; pods: number }; pods: Pod[] }[] = [];
    const placed: Pod[] = [];
    for (const pod of pods) {
        if (!fitsAmounts(group.allocatable, group.daemonSets, pod.requests)) continue;
        let node = nodes.find((candidate) => fitsAmounts(group.allocatable, candidate.used, pod.requests));
        if (node === undefined) {
            node = { used: { ...group.daemonSets }, pods: [] };
            nodes.push(node);
        }
        addTo(node.used, pod.requests);
        node.pods.push(pod);
        placed.push(pod);
    }
    return { nodes: nodes.map((node) => node.pods), placed };
}
