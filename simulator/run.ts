/**
 * One simulation run: the stack's services under a load profile, stepped every 5 s through the
 * HPA controller (every 15 s), the ReplicaSets, the scheduler, the quota and cluster-autoscaler
 * (cluster.ts, every 10 s). Deterministic: the same config and profile give the same result. A
 * 15-minute warm-up at the profile's first load (not reported) comes first, so the HPA, its CPU
 * initialization period and the nodes are past their first sight. `step` gives the order of a step.
 */
import type { PlatformConfig } from "../config";
import { pdbAllowedDisruptions } from "../schema/services";
import type { QuotaResource } from "../capacity/model";
// From the port's own files, not its index: the index re-exports through getters (`export *`),
// and these are read at every step.
import { HPA_SYNC_PERIOD_SECONDS, HPA_TOLERANCE } from "./hpa/types";
import type { PodInfo } from "./hpa/replica-calculator";
import { HpaState, MetricObservation, newHpaState, reconcile } from "./hpa/controller";
import {
    addonPods,
    CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS,
    CA_SCAN_INTERVAL_SECONDS,
    Cluster,
    clusterSettings,
    Pod,
    PodTemplate,
} from "./cluster";
import {
    cpuMillicores,
    loadPerPod,
    memoryBytes,
    neededReplicas,
    RESOURCE_METRIC_AGE_SECONDS,
    RESOURCE_METRIC_WINDOW_SECONDS,
    ServiceModel,
    serviceModels,
} from "./service-model";
import { PodSamples } from "./pod-samples";
import type { LoadProfile } from "./profiles";
import { rolloutStep } from "./deployment";

/** The simulation's time step. */
export const STEP_SECONDS = 5;
/** How often the series are recorded (the HPA's sync period). */
export const RECORD_SECONDS = HPA_SYNC_PERIOD_SECONDS;
/** The warm-up before t = 0 at the profile's first load. */
export const WARM_UP_SECONDS = 900;

/** What happened to one service; series are sampled every RECORD_SECONDS from t = 0. */
export interface ServiceRun {
    readonly model: ServiceModel;
    readonly series: {
        readonly load: number[];
        readonly needed: number[];
        /** The Deployment's replicas, as the HPA set them. */
        readonly desired: number[];
        /** Pods that exist (pending, starting or ready): what is provisioned. */
        readonly pods: number[];
        /** Pods no node has taken yet: waiting for a node (cluster-autoscaler adds one, or cannot). */
        readonly pending: number[];
        readonly ready: number[];
        readonly unserved: number[];
    };
    /** Every rescale of the HPA (t >= 0). */
    readonly scaleEvents: { readonly t: number; readonly from: number; readonly to: number }[];
    /**
     * Per profile step: seconds until enough pods were ready (null: not before the next step or the
     * end), and the replicas needed before and after it.
     */
    readonly stepResponses: {
        readonly step: number;
        readonly seconds: number | null;
        readonly before: number;
        readonly needed: number;
    }[];
    /**
     * Longest stretch under-provisioned (fewer ready pods than needed, running more than the HPA's
     * 10% tolerance above their target), and when it began.
     */
    readonly longestShortfall: { readonly seconds: number; readonly from: number };
    readonly peakUnserved: { readonly load: number; readonly t: number; readonly ofLoad: number };
    /** Load-seconds served / offered. */
    readonly servedFraction: number;
    /** Pod-seconds provisioned / needed. */
    readonly overProvisioning: number;
    /** Pods the quota refused (each refused pod once, however often the ReplicaSet retried), by the quota key that refused it. */
    readonly quotaRefusals: number;
    readonly quotaRefusedBy: Partial<Record<QuotaResource, number>>;
    /** Most pods missing at once because the quota refused them. */
    readonly peakQuotaBlocked: number;
    /** Most pending pods at once that no node group could take at its maxSize. */
    readonly peakNodeMaxBlocked: number;
    /** Each rolling update of the profile (simulator/deployment.ts), in order. */
    readonly rollouts: readonly RolloutRun[];
}

/** One rolling update of a service's Deployment. */
export interface RolloutRun {
    readonly startedAt: number;
    /** The Deployment's replicas when it started. */
    readonly replicas: number;
    /** Seconds until every pod ran the new template and was ready (null: not before the end). */
    readonly seconds: number | null;
    /** Fewest ready pods during it. */
    readonly minReady: number;
    /** New pods the quota refused (each once), by the key that refused them. */
    readonly quotaRefusals: number;
    readonly quotaRefusedBy: Partial<Record<QuotaResource, number>>;
}

export interface SimulationResult {
    readonly stack: string;
    readonly profile: {
        readonly name: string;
        readonly description: string;
        readonly durationSeconds: number;
        readonly steps: readonly number[];
    };
    readonly stepSeconds: number;
    readonly recordSeconds: number;
    readonly times: number[];
    readonly nodes: number[];
    /** Nodes per node group at the same times (what each group's instances cost). */
    readonly nodesByGroup: Readonly<Record<string, number[]>>;
    readonly readyNodes: number[];
    readonly peakNodes: number;
    readonly services: ServiceRun[];
    /** HPA reconciles run (warm-up included), for the benchmark. */
    readonly syncs: number;
}

export interface SimulationOptions {
    /** Seconds a deleted pod takes to terminate (default DEFAULT_POD_TERMINATION_SECONDS): it keeps its quota and node room meanwhile. */
    readonly terminationSeconds?: number;
    /** Called now and then with the fraction done (the CLI prints it for long runs). */
    readonly onProgress?: (fraction: number) => void;
}

/** A service's tallies from t = 0, turned into its ServiceRun at the end. */
interface ServiceTally {
    readonly model: ServiceModel;
    readonly series: ServiceRun["series"];
    readonly scaleEvents: { t: number; from: number; to: number }[];
    readonly stepResponses: { step: number; seconds: number | null; before: number; needed: number }[];
    /** When the current under-provisioned stretch began (undefined: none is running). */
    shortfallFrom: number | undefined;
    longestShortfall: { seconds: number; from: number };
    peakUnserved: { load: number; t: number; ofLoad: number };
    served: number;
    offered: number;
    podSeconds: number;
    neededSeconds: number;
    quotaRefusals: number;
    readonly quotaRefusedBy: Partial<Record<QuotaResource, number>>;
    peakQuotaBlocked: number;
    peakNodeMaxBlocked: number;
    readonly rollouts: RolloutRun[];
}

interface ServiceState {
    readonly model: ServiceModel;
    readonly index: number;
    /** The current pod template; during a rolling update the old pods have a lower revision. */
    template: PodTemplate & { readonly revision: number };
    readonly pods: Pod[];
    readonly tally: ServiceTally;
    hpa: HpaState;
    desired: number;
    /** The RSs' spec replicas while a rolling update runs. */
    rollout:
        | { oldReplicas: number; newReplicas: number; run: { -readonly [K in keyof RolloutRun]: RolloutRun[K] } }
        | undefined;
    /** Σ over steps of the load each ready pod served: cum[k + 1] - cum[j] sums steps j..k. */
    readonly cum: Float64Array;
    quotaShortfall: number;
    /** observe's pod lists and samples, and the pods and phases they were built from (podLists). */
    podLists?: PodLists;
}

/** A run between two steps: the cluster, the services, the cluster's series, and the clock. */
interface Simulation {
    readonly profile: LoadProfile;
    readonly cluster: Cluster;
    readonly services: readonly ServiceState[];
    readonly scrapeSeconds: number;
    /** Steps in the run, warm-up included, and the points recorded from t = 0. */
    readonly steps: number;
    readonly records: number;
    readonly times: number[];
    readonly nodes: number[];
    readonly nodesByGroup: Record<string, number[]>;
    readonly readyNodes: number[];
    /** The step, its time, and whether it is past the warm-up. */
    k: number;
    now: number;
    reporting: boolean;
    /** The index of the next recorded point. */
    record: number;
    peakNodes: number;
    syncs: number;
}

/** Runs `profile` on the stack's services. */
export function simulate(
    config: PlatformConfig,
    profile: LoadProfile,
    options: SimulationOptions = {},
): SimulationResult {
    const sim = newSimulation(config, profile, options);
    const progressEvery = Math.max(1, Math.floor(sim.steps / 20));
    for (let k = 0; k < sim.steps; k++) {
        if (options.onProgress !== undefined && k % progressEvery === 0) options.onProgress(k / sim.steps);
        step(sim, k);
    }
    if (sim.record !== sim.records)
        throw new Error(`simulate: recorded ${sim.record} points of the ${sim.records} counted`);
    options.onProgress?.(1);
    for (const state of sim.services) if (state.rollout !== undefined) finishRollout(state, null);
    return simulationResult(config, profile, sim);
}

/**
 * One step at time t, in the order the controllers act within it (pods and nodes that become ready
 * between steps count from the next step):
 *  1. ready pods share each service's load, and from t = 0 the service's figures are tallied;
 *  2. every RECORD_SECONDS from t = 0, the series are recorded;
 *  3. on an HPA sync, each HPA reads its metrics and sets its Deployment's replicas;
 *  4. at a rollout time of the profile, every Deployment starts a rolling update;
 *  5. each ReplicaSet creates pods (through the quota) or deletes pods to match its spec replicas;
 *  6. the scheduler binds pending pods;
 *  7. on a cluster-autoscaler scan, nodes are added or removed.
 */
function step(sim: Simulation, k: number): void {
    const now = timeAt(k);
    sim.k = k;
    sim.now = now;
    sim.reporting = now >= 0;
    for (const state of sim.services) shareLoad(sim, state);
    if (sim.reporting) recordCluster(sim);
    if (now % HPA_SYNC_PERIOD_SECONDS === 0) syncHpas(sim);
    if (sim.profile.rollouts?.includes(now) === true) startRollouts(sim);
    reconcileReplicaSets(sim);
    sim.cluster.schedule(now);
    if (now % CA_SCAN_INTERVAL_SECONDS === 0) scanCluster(sim);
}

/** The time of step k: the warm-up runs before t = 0. */
function timeAt(k: number): number {
    return -WARM_UP_SECONDS + k * STEP_SECONDS;
}

function recordsAt(now: number): boolean {
    return now >= 0 && now % RECORD_SECONDS === 0;
}

/** The run at its first step: the services at the replicas the first load needs, the add-ons running. */
function newSimulation(config: PlatformConfig, profile: LoadProfile, options: SimulationOptions): Simulation {
    const defaults = clusterSettings(config);
    const settings = { ...defaults, terminationSeconds: options.terminationSeconds ?? defaults.terminationSeconds };
    const steps = Math.floor((WARM_UP_SECONDS + profile.durationSeconds) / STEP_SECONDS) + 1;
    let records = 0;
    for (let k = 0; k < steps; k++) if (recordsAt(timeAt(k))) records++;
    const services = serviceModels(config).map((model, index) =>
        newServiceState(model, index, profile, steps, records),
    );
    const cluster = new Cluster(settings, (owner, now) => disruptionsAllowed(services[owner], now));
    const start = timeAt(0);
    // The add-ons have run since before the warm-up, longer than cluster-autoscaler's blocking-system-pod
    // timeout (a cluster in steady state); one recreated after an eviction starts its timeout anew.
    for (const addon of addonPods(config))
        cluster.createPod(addon, start, start - CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS);
    return {
        profile,
        cluster,
        services,
        scrapeSeconds: config.simulation.scrapeIntervalSeconds,
        steps,
        records,
        times: zeros(records),
        nodes: zeros(records),
        nodesByGroup: Object.fromEntries(settings.groups.map((group) => [group.name, zeros(records)])),
        readyNodes: zeros(records),
        k: 0,
        now: start,
        reporting: false,
        record: 0,
        peakNodes: 0,
        syncs: 0,
    };
}

/**
 * A series at its final length, written by index (no copying as it grows); filled by push, so that
 * the array is packed (`new Array(n)` would be holey).
 */
function zeros(length: number): number[] {
    const series: number[] = [];
    for (let i = 0; i < length; i++) series.push(0);
    return series;
}

function newServiceState(
    model: ServiceModel,
    index: number,
    profile: LoadProfile,
    steps: number,
    records: number,
): ServiceState {
    return {
        model,
        index,
        pods: [],
        tally: newTally(model, profile, records),
        hpa: newHpaState(),
        desired: neededReplicas(model, profile.load(model, index, 0)),
        template: {
            owner: index,
            critical: model.config.priority === "critical",
            requests: model.requests,
            limits: model.limits,
            inNamespace: true,
            revision: 0,
        },
        cum: new Float64Array(steps + 1),
        quotaShortfall: 0,
        rollout: undefined,
    };
}

function newTally(model: ServiceModel, profile: LoadProfile, records: number): ServiceTally {
    return {
        model,
        series: {
            load: zeros(records),
            needed: zeros(records),
            desired: zeros(records),
            pods: zeros(records),
            pending: zeros(records),
            ready: zeros(records),
            unserved: zeros(records),
        },
        scaleEvents: [],
        stepResponses: profile.steps.map((step) => ({ step, seconds: null, before: 0, needed: 0 })),
        shortfallFrom: undefined,
        longestShortfall: { seconds: 0, from: 0 },
        peakUnserved: { load: 0, t: 0, ofLoad: 0 },
        served: 0,
        offered: 0,
        podSeconds: 0,
        neededSeconds: 0,
        quotaRefusals: 0,
        quotaRefusedBy: {},
        peakQuotaBlocked: 0,
        peakNodeMaxBlocked: 0,
        rollouts: [],
    };
}

/** Evictions the service's PDB allows now (no PDB: any number). */
function disruptionsAllowed(state: ServiceState, now: number): number {
    const pdb = state.model.config.pdb;
    if (pdb === undefined) return Number.MAX_SAFE_INTEGER;
    return pdbAllowedDisruptions(pdb, readyCount(state, now));
}

/** Phases 1 and 2 for one service: its ready pods share the load; the figures are tallied and recorded. */
function shareLoad(sim: Simulation, state: ServiceState): void {
    const { k, now } = sim;
    const load = sim.profile.load(state.model, state.index, Math.max(0, now));
    const ready = readyCount(state, now);
    const perPod = loadPerPod(state.model, load, ready);
    state.cum[k + 1] = state.cum[k] + perPod;
    if (!sim.reporting) return;
    const needed = neededReplicas(state.model, load);
    // Below a billionth of the load it is rounding, not load left unserved.
    const rest = load - perPod * ready;
    const unserved = rest > 1e-9 * Math.max(1, load) ? rest : 0;
    const tally = state.tally;
    tally.offered += load;
    tally.served += load - unserved;
    tally.podSeconds += state.pods.length;
    tally.neededSeconds += needed;
    if (unserved > tally.peakUnserved.load)
        tally.peakUnserved = { load: unserved, t: now, ofLoad: load > 0 ? unserved / load : 0 };
    // Under-provisioned: fewer ready pods than needed, and they run past the HPA's tolerance above target.
    trackShortfall(tally, now, ready < needed && load > ready * state.model.capacityPerPod * (1 + HPA_TOLERANCE));
    trackStepResponses(tally, sim.profile.steps, now, ready, needed);
    if (recordsAt(now)) recordService(state, sim.record, load, needed, ready, unserved);
}

/** Extends or ends the current under-provisioned stretch, keeping the longest. */
function trackShortfall(tally: ServiceTally, now: number, short: boolean): void {
    if (short) {
        tally.shortfallFrom ??= now;
    } else if (tally.shortfallFrom !== undefined) {
        if (now - tally.shortfallFrom > tally.longestShortfall.seconds)
            tally.longestShortfall = { seconds: now - tally.shortfallFrom, from: tally.shortfallFrom };
        tally.shortfallFrom = undefined;
    }
}

/** Per profile step: the replicas needed before it, after it, and when enough were first ready. */
function trackStepResponses(
    tally: ServiceTally,
    steps: readonly number[],
    now: number,
    ready: number,
    needed: number,
): void {
    // A loop, not forEach: no closure per service and step in the hot loop.
    for (let i = 0; i < tally.stepResponses.length; i++) {
        const response = tally.stepResponses[i];
        const next = steps[i + 1] ?? Number.POSITIVE_INFINITY;
        if (now < response.step) {
            response.before = needed;
            continue;
        }
        if (response.needed === 0) response.needed = needed;
        if (response.seconds === null && now < next && ready >= needed) response.seconds = now - response.step;
    }
}

function recordService(
    state: ServiceState,
    record: number,
    load: number,
    needed: number,
    ready: number,
    unserved: number,
): void {
    const series = state.tally.series;
    series.load[record] = load;
    series.needed[record] = needed;
    series.desired[record] = state.desired;
    series.pods[record] = state.pods.length;
    let pending = 0;
    for (let i = 0; i < state.pods.length; i++) if (state.pods[i].node === undefined) pending++;
    series.pending[record] = pending;
    series.ready[record] = ready;
    series.unserved[record] = unserved;
}

/** Phase 2 for the cluster (from t = 0): its peak nodes, and its nodes at each recorded point. */
function recordCluster(sim: Simulation): void {
    const { cluster, now, record } = sim;
    sim.peakNodes = Math.max(sim.peakNodes, cluster.nodes.length);
    if (!recordsAt(now)) return;
    sim.times[record] = now;
    sim.nodes[record] = cluster.nodes.length;
    for (const node of cluster.nodes) sim.nodesByGroup[node.group][record]++;
    sim.readyNodes[record] = cluster.nodeCount(now, true);
    sim.record++;
}

/** Phase 3: each HPA reads what the metrics APIs return and sets its Deployment's replicas. */
function syncHpas(sim: Simulation): void {
    const { k, now } = sim;
    for (const state of sim.services) {
        sim.syncs++;
        const result = reconcile(now, state.model.hpa, state.hpa, {
            currentReplicas: state.desired,
            statusReplicas: state.pods.length,
            metrics: observe(state, k, now, sim.scrapeSeconds),
        });
        state.hpa = result.state;
        if (result.rescale && sim.reporting)
            state.tally.scaleEvents.push({ t: now, from: state.desired, to: result.desiredReplicas });
        state.desired = result.desiredReplicas;
    }
}

/** Phase 4: a new pod template for every Deployment; one still rolling out ends unfinished. */
function startRollouts(sim: Simulation): void {
    const now = sim.now;
    for (const state of sim.services) {
        if (state.rollout !== undefined) finishRollout(state, null);
        state.template = { ...state.template, revision: state.template.revision + 1 };
        state.quotaShortfall = 0;
        state.rollout = {
            oldReplicas: state.desired,
            newReplicas: 0,
            run: {
                startedAt: now,
                replicas: state.desired,
                seconds: null,
                minReady: readyCount(state, now),
                quotaRefusals: 0,
                quotaRefusedBy: {},
            },
        };
    }
}

/**
 * Phase 5: each service's ReplicaSets match their spec replicas; the pods the quota refused are
 * counted, each once however often the ReplicaSet retries.
 */
function reconcileReplicaSets(sim: Simulation): void {
    const { cluster, now, reporting } = sim;
    // Pods the quota has refused since the warm-up count as refused in the run too: otherwise a
    // service the quota starves from the start would report none.
    if (now === 0) for (const state of sim.services) state.quotaShortfall = 0;
    for (const state of sim.services) {
        const result =
            state.rollout === undefined
                ? reconcileReplicaSet(cluster, state, state.desired, now)
                : stepRollout(cluster, state, now);
        const shortfall = result.shortfall;
        if (reporting && shortfall > state.quotaShortfall)
            countRefused(state.tally, result.refusedBy, shortfall - state.quotaShortfall);
        if (reporting) state.tally.peakQuotaBlocked = Math.max(state.tally.peakQuotaBlocked, shortfall);
        state.quotaShortfall = shortfall;
    }
}

/** A rolling update's step (simulator/deployment.ts `rolloutStep`): both ReplicaSets to their new counts. */
function stepRollout(cluster: Cluster, state: ServiceState, now: number): ReplicaSetResult {
    const rollout = state.rollout!;
    const next = rolloutStep(
        {
            replicas: state.desired,
            oldReplicas: rollout.oldReplicas,
            newReplicas: rollout.newReplicas,
            oldAvailable: readyOfRevision(state, false, now),
            newAvailable: readyOfRevision(state, true, now),
        },
        state.model.config.maxSurge,
    );
    rollout.oldReplicas = next.oldReplicas;
    rollout.newReplicas = next.newReplicas;
    reconcileOldReplicaSets(cluster, state, rollout.oldReplicas, now);
    const result = reconcileReplicaSet(cluster, state, rollout.newReplicas, now);
    // The new RS's missing pods, each counted once (state.quotaShortfall restarts at 0 with the rollout).
    if (result.shortfall > state.quotaShortfall)
        countRefused(rollout.run, result.refusedBy, result.shortfall - state.quotaShortfall);
    rollout.run.minReady = Math.min(rollout.run.minReady, readyCount(state, now));
    const done =
        rollout.oldReplicas === 0 &&
        state.pods.every((pod) => pod.revision === state.template.revision) &&
        readyOfRevision(state, true, now) >= state.desired;
    if (done) finishRollout(state, now - rollout.run.startedAt);
    return result;
}

/** Adds `pods` refused pods to a tally, under each quota key that refused them. */
function countRefused(
    tally: { quotaRefusals: number; readonly quotaRefusedBy: Partial<Record<QuotaResource, number>> },
    refusedBy: readonly QuotaResource[],
    pods: number,
): void {
    tally.quotaRefusals += pods;
    for (const key of refusedBy) tally.quotaRefusedBy[key] = (tally.quotaRefusedBy[key] ?? 0) + pods;
}

/** Phase 7: cluster-autoscaler's scan; the pods of removed nodes are recreated by their owners. */
function scanCluster(sim: Simulation): void {
    const { cluster, now } = sim;
    const scan = cluster.autoscale(now);
    for (const pod of scan.evicted) {
        if (pod.owner >= 0) {
            const pods = sim.services[pod.owner].pods;
            pods.splice(pods.indexOf(pod), 1);
        } else {
            cluster.createPod(pod, now);
        }
    }
    if (scan.evicted.length > 0) cluster.schedule(now);
    if (!sim.reporting) return;
    for (const [owner, blocked] of scan.blockedByMax) {
        const tally = sim.services[owner].tally;
        tally.peakNodeMaxBlocked = Math.max(tally.peakNodeMaxBlocked, blocked);
    }
}

function simulationResult(config: PlatformConfig, profile: LoadProfile, sim: Simulation): SimulationResult {
    const end = timeAt(sim.steps - 1);
    return {
        stack: config.stack,
        profile: {
            name: profile.name,
            description: profile.description,
            durationSeconds: profile.durationSeconds,
            steps: profile.steps,
        },
        stepSeconds: STEP_SECONDS,
        recordSeconds: RECORD_SECONDS,
        times: sim.times,
        nodes: sim.nodes,
        nodesByGroup: sim.nodesByGroup,
        readyNodes: sim.readyNodes,
        peakNodes: sim.peakNodes,
        syncs: sim.syncs,
        services: sim.services.map((state) => serviceRun(state.tally, end)),
    };
}

/** A service's tallies as its ServiceRun; a stretch under-provisioned still running ends at `end`. */
function serviceRun(tally: ServiceTally, end: number): ServiceRun {
    let longest = tally.longestShortfall;
    if (tally.shortfallFrom !== undefined && end - tally.shortfallFrom > longest.seconds)
        longest = { seconds: end - tally.shortfallFrom, from: tally.shortfallFrom };
    return {
        model: tally.model,
        series: tally.series,
        scaleEvents: tally.scaleEvents,
        stepResponses: tally.stepResponses,
        longestShortfall: longest,
        peakUnserved: tally.peakUnserved,
        servedFraction: tally.offered > 0 ? tally.served / tally.offered : 1,
        overProvisioning: tally.neededSeconds > 0 ? tally.podSeconds / tally.neededSeconds : 1,
        quotaRefusals: tally.quotaRefusals,
        quotaRefusedBy: tally.quotaRefusedBy,
        peakQuotaBlocked: tally.peakQuotaBlocked,
        peakNodeMaxBlocked: tally.peakNodeMaxBlocked,
        rollouts: tally.rollouts,
    };
}

/** 0: not started (Pending), 1: running, not ready, 2: ready: what the replica calculator tells apart. */
function podPhase(pod: Pod, now: number): 0 | 1 | 2 {
    return pod.startedAt === undefined ? 0 : pod.readyAt! <= now ? 2 : 1;
}

interface PodLists {
    readonly pods: readonly Pod[];
    readonly phases: readonly number[];
    /** observe's answer: per metric source, the pod list (in the pods' order) and its samples, rewritten at each sync. */
    readonly observations: readonly { readonly pods: readonly PodInfo[]; readonly samples: PodSamples }[];
}

/**
 * The service's pods as the HPA's pod lister returns them, one list per metric source (each with
 * that source's request). Rebuilt when a pod came, went, started or turned ready, the only changes
 * the replica calculator reads; at other syncs the previous lists are the answer. Frozen, with
 * their pods: the replica calculator keeps the requests map it derives from a frozen list (and
 * only from one) for as long as the list is passed again.
 */
function podLists(state: ServiceState, now: number): PodLists {
    const { model, pods } = state;
    const cached = state.podLists;
    let same = cached !== undefined && cached.pods.length === pods.length;
    for (let i = 0; same && i < pods.length; i++)
        same = cached!.pods[i] === pods[i] && cached!.phases[i] === podPhase(pods[i], now);
    if (same) return cached!;
    const phases = pods.map((pod) => podPhase(pod, now));
    const names = pods.map((pod) => String(pod.id));
    const index = new Map(names.map((name, i) => [name, i]));
    const observations = model.sources.map((source) => {
        const request =
            source.kind === "cpu" ? model.requests.cpu : source.kind === "memory" ? model.requests.memory : undefined;
        // Every entry has every field (undefined where a Pending pod has none), so that the calculator's
        // reads see one object shape.
        const list = Object.freeze(
            pods.map((pod, i): PodInfo => {
                const name = names[i];
                if (phases[i] === 0) {
                    return Object.freeze({
                        name,
                        phase: "Pending",
                        deleting: false,
                        ready: undefined,
                        startTime: undefined,
                        readyLastTransitionTime: undefined,
                        request,
                    });
                }
                const ready = phases[i] === 2;
                return Object.freeze({
                    name,
                    phase: "Running",
                    deleting: false,
                    ready,
                    startTime: pod.startedAt,
                    readyLastTransitionTime: ready ? pod.readyAt : pod.startedAt,
                    request,
                });
            }),
        );
        return { pods: list, samples: new PodSamples(list, index) };
    });
    state.podLists = { pods: pods.slice(), phases, observations };
    return state.podLists;
}

/** The pod's average served load at step k over the window of `windowSeconds` ending `ageSeconds` ago (steps `from..to`). */
function averageServed(
    cum: Float64Array,
    pod: Pod,
    k: number,
    now: number,
    windowSeconds: number,
    ageSeconds: number,
): number {
    const to = k - Math.round(ageSeconds / STEP_SECONDS);
    const startStep = k - Math.round((now - pod.startedAt!) / STEP_SECONDS);
    const readyStep = k - Math.floor((now - pod.readyAt!) / STEP_SECONDS);
    const from = Math.max(to - Math.round(windowSeconds / STEP_SECONDS) + 1, startStep);
    const served = readyStep <= to ? cum[to + 1] - cum[Math.max(from, readyStep)] : 0;
    return served / (to - from + 1);
}

/**
 * What the metrics APIs return for the service's HPA at step k: per metric, the pods the selector
 * matches and their samples (model.ts "What the HPA sees"). Valid until the next observe of the
 * service, which rewrites the samples (PodSamples).
 */
function observe(state: ServiceState, k: number, now: number, scrapeSeconds: number): readonly MetricObservation[] {
    const { model, pods, cum } = state;
    const podsAge = Math.round(scrapeSeconds / 2 / STEP_SECONDS) * STEP_SECONDS;
    const { observations } = podLists(state, now);
    const sources = model.sources;
    for (let s = 0; s < sources.length; s++) observations[s].samples.clear();
    // Pod by pod, so that the CPU and memory samples share the pod's load over the resource metrics'
    // window (one average, not one per source); each source's samples still come in the pods' order.
    for (let i = 0; i < pods.length; i++) {
        const pod = pods[i];
        if (pod.startedAt === undefined) continue;
        const running = now - pod.startedAt;
        let resourceLoad: number | undefined;
        for (let s = 0; s < sources.length; s++) {
            const source = sources[s];
            const samples = observations[s].samples;
            if (source.kind === "pods") {
                if (running >= 2 * scrapeSeconds) {
                    samples.put(
                        i,
                        Math.round(
                            averageServed(cum, pod, k, now, source.windowSeconds, podsAge) * source.scale * 1000,
                        ),
                    );
                }
            } else if (running >= RESOURCE_METRIC_WINDOW_SECONDS + RESOURCE_METRIC_AGE_SECONDS) {
                resourceLoad ??= averageServed(
                    cum,
                    pod,
                    k,
                    now,
                    RESOURCE_METRIC_WINDOW_SECONDS,
                    RESOURCE_METRIC_AGE_SECONDS,
                );
                const value =
                    source.kind === "cpu" ? cpuMillicores(model, resourceLoad) : memoryBytes(model, resourceLoad);
                samples.put(i, Math.round(value), now - RESOURCE_METRIC_AGE_SECONDS, RESOURCE_METRIC_WINDOW_SECONDS);
            }
        }
    }
    return observations;
}

function readyCount(state: ServiceState, now: number): number {
    let ready = 0;
    for (let i = 0; i < state.pods.length; i++) {
        const readyAt = state.pods[i].readyAt;
        if (readyAt !== undefined && readyAt <= now) ready++;
    }
    return ready;
}

/** Ready pods of the current revision (`current`) or of the older ones. */
function readyOfRevision(state: ServiceState, current: boolean, now: number): number {
    let ready = 0;
    for (const pod of state.pods) {
        if ((pod.revision === state.template.revision) === current && pod.readyAt !== undefined && pod.readyAt <= now)
            ready++;
    }
    return ready;
}

function finishRollout(state: ServiceState, seconds: number | null): void {
    state.tally.rollouts.push({ ...state.rollout!.run, seconds });
    state.rollout = undefined;
}

/**
 * The ReplicaSet of the current template: deletes its pods above `target` (deletionOrder) or creates
 * pods up to it until the quota refuses one. Returns what refused it and how many pods it lacks.
 */
function reconcileReplicaSet(cluster: Cluster, state: ServiceState, target: number, now: number): ReplicaSetResult {
    const template = state.template;
    // Counted before any list is made: on most steps the ReplicaSet already has its pods.
    let count = 0;
    for (let i = 0; i < state.pods.length; i++) if (state.pods[i].revision === template.revision) count++;
    if (count > target) {
        const own = state.pods.filter((pod) => pod.revision === template.revision);
        for (const pod of deletionOrder(own, now).slice(0, own.length - target)) {
            cluster.deletePod(pod, now);
            state.pods.splice(state.pods.indexOf(pod), 1);
        }
        return NOTHING_REFUSED;
    }
    while (count < target) {
        const created = cluster.createPod(template, now);
        if ("refusedBy" in created) return { refusedBy: created.refusedBy, shortfall: target - count };
        state.pods.push(created);
        count++;
    }
    return NOTHING_REFUSED;
}

/** What refused a ReplicaSet's pod, and how many pods it lacks. */
interface ReplicaSetResult {
    readonly refusedBy: readonly QuotaResource[];
    readonly shortfall: number;
}

/** The answer when the ReplicaSet has its pods: one frozen object, not one per service and step. */
const NOTHING_REFUSED = Object.freeze({ refusedBy: Object.freeze([]) as readonly QuotaResource[], shortfall: 0 });

/** The old ReplicaSets during a rolling update: together down to `target` pods, the least ready first. */
function reconcileOldReplicaSets(cluster: Cluster, state: ServiceState, target: number, now: number): void {
    const old = state.pods.filter((pod) => pod.revision !== state.template.revision);
    for (const pod of deletionOrder(old, now).slice(0, Math.max(0, old.length - target))) {
        cluster.deletePod(pod, now);
        state.pods.splice(state.pods.indexOf(pod), 1);
    }
}

/** The ReplicaSet's order for scale-down: unscheduled, then not ready, then ready pods; newest first in each. */
function deletionOrder(pods: readonly Pod[], now: number): Pod[] {
    const rank = (pod: Pod) => (pod.node === undefined ? 0 : pod.readyAt! > now ? 1 : 2);
    return [...pods].sort((a, b) => rank(a) - rank(b) || b.id - a.id);
}
