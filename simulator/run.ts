/**
 * One simulation run: the stack's services under a load profile, stepped every 5 s through the
 * HPA controller (hpa-controller.ts, every 15 s), the ReplicaSets, the scheduler, the quota and
 * cluster-autoscaler (cluster.ts, every 10 s). Deterministic: the same config and profile give the
 * same result. The run starts with a 15-minute warm-up at the profile's first load (not reported),
 * so the HPA, its CPU initialization period and the nodes are past their first sight.
 *
 * Order within a step at time t: ready pods share the load (model.ts); the figures are recorded;
 * on a sync the HPA of each service reads the metrics and sets the Deployment's replicas; each
 * ReplicaSet creates (through the quota) or deletes pods; the scheduler binds pending pods;
 * cluster-autoscaler scans. Pods and nodes becoming ready between steps count from the next step.
 */
import type { PlatformConfig } from "../config";
import { pdbAllowedDisruptions } from "../schema/services";
import type { QuotaResource } from "../capacity/model";
import {
    HPA_SYNC_PERIOD_SECONDS,
    HPA_TOLERANCE,
    HpaState,
    MetricObservation,
    PodInfo,
    newHpaState,
    reconcile,
} from "./hpa-controller";
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
} from "./model";
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

interface ServiceState {
    readonly model: ServiceModel;
    readonly index: number;
    readonly template: PodTemplate;
    readonly pods: Pod[];
    hpa: HpaState;
    desired: number;
    /** The current pod template's revision; during a rolling update the old pods have a lower one. */
    revision: number;
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

/** Runs `profile` on the stack's services. */
export function simulate(
    config: PlatformConfig,
    profile: LoadProfile,
    options: SimulationOptions = {},
): SimulationResult {
    const models = serviceModels(config);
    const defaults = clusterSettings(config);
    const settings = { ...defaults, terminationSeconds: options.terminationSeconds ?? defaults.terminationSeconds };
    const steps = Math.floor((WARM_UP_SECONDS + profile.durationSeconds) / STEP_SECONDS) + 1;
    const start = -WARM_UP_SECONDS;
    const timeAt = (k: number) => start + k * STEP_SECONDS;
    const scrape = config.simulation.scrapeIntervalSeconds;

    const states: ServiceState[] = models.map((model, index) => ({
        model,
        index,
        pods: [],
        hpa: newHpaState(),
        desired: neededReplicas(model, profile.load(model, index, 0)),
        template: {
            owner: index,
            critical: model.config.priority === "critical",
            requests: model.requests,
            limits: model.limits,
            inNamespace: true,
        },
        cum: new Float64Array(steps + 1),
        quotaShortfall: 0,
        revision: 0,
        rollout: undefined,
    }));
    const cluster = new Cluster(settings, (owner) => {
        const state = states[owner];
        const pdb = state.model.config.pdb;
        if (pdb === undefined) return Number.MAX_SAFE_INTEGER;
        const ready = state.pods.filter((pod) => pod.readyAt !== undefined && pod.readyAt <= now).length;
        return pdbAllowedDisruptions(pdb, ready);
    });
    let now = start;
    // The add-ons have run since before the warm-up, longer than cluster-autoscaler's blocking-system-pod
    // timeout (a cluster in steady state); one recreated after an eviction starts its timeout anew.
    for (const addon of addonPods(config)) cluster.createPod(addon, now, now - CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS);

    // The series are made at their final length and written by index: pushed, a day's 128 services
    // grew 900 arrays to 5,761 points by copying (a tenth of the step loop in a profile without inlining).
    const recordsAt = (t: number) => t >= 0 && t % RECORD_SECONDS === 0;
    let records = 0;
    for (let k = 0; k < steps; k++) if (recordsAt(timeAt(k))) records++;
    /** Filled with zeros by push, so that the array is packed (`new Array(n)` would be holey). */
    const recorded = (): number[] => {
        const series: number[] = [];
        for (let i = 0; i < records; i++) series.push(0);
        return series;
    };
    const runs = models.map((model) => ({
        model,
        series: {
            load: recorded(),
            needed: recorded(),
            desired: recorded(),
            pods: recorded(),
            pending: recorded(),
            ready: recorded(),
            unserved: recorded(),
        },
        scaleEvents: [] as { t: number; from: number; to: number }[],
        stepResponses: profile.steps.map((step) => ({ step, seconds: null as number | null, before: 0, needed: 0 })),
        shortfallFrom: undefined as number | undefined,
        longestShortfall: { seconds: 0, from: 0 },
        peakUnserved: { load: 0, t: 0, ofLoad: 0 },
        served: 0,
        offered: 0,
        podSeconds: 0,
        neededSeconds: 0,
        quotaRefusals: 0,
        quotaRefusedBy: {} as Partial<Record<QuotaResource, number>>,
        peakQuotaBlocked: 0,
        peakNodeMaxBlocked: 0,
        rollouts: [] as RolloutRun[],
    }));
    const times = recorded();
    const nodes = recorded();
    const nodesByGroup: Record<string, number[]> = Object.fromEntries(
        settings.groups.map((group) => [group.name, recorded()]),
    );
    const readyNodes = recorded();
    /** The index of the next recorded point. */
    let record = 0;
    let peakNodes = 0;
    let syncs = 0;
    const progressEvery = Math.max(1, Math.floor(steps / 20));

    for (let k = 0; k < steps; k++) {
        now = timeAt(k);
        const t = Math.max(0, now);
        const reporting = now >= 0;
        if (options.onProgress !== undefined && k % progressEvery === 0) options.onProgress(k / steps);

        // Ready pods share the load.
        for (const state of states) {
            const run = runs[state.index];
            const load = profile.load(state.model, state.index, t);
            const ready = readyCount(state, now);
            const perPod = loadPerPod(state.model, load, ready);
            state.cum[k + 1] = state.cum[k] + perPod;
            if (!reporting) continue;
            const needed = neededReplicas(state.model, load);
            // Below a billionth of the load it is rounding, not load left unserved.
            const rest = load - perPod * ready;
            const unserved = rest > 1e-9 * Math.max(1, load) ? rest : 0;
            run.offered += load;
            run.served += load - unserved;
            run.podSeconds += state.pods.length;
            run.neededSeconds += needed;
            if (unserved > run.peakUnserved.load)
                run.peakUnserved = { load: unserved, t: now, ofLoad: load > 0 ? unserved / load : 0 };
            // Under-provisioned: fewer ready pods than needed, and they run past the HPA's tolerance above target.
            if (ready < needed && load > ready * state.model.capacityPerPod * (1 + HPA_TOLERANCE)) {
                run.shortfallFrom ??= now;
            } else if (run.shortfallFrom !== undefined) {
                if (now - run.shortfallFrom > run.longestShortfall.seconds)
                    run.longestShortfall = { seconds: now - run.shortfallFrom, from: run.shortfallFrom };
                run.shortfallFrom = undefined;
            }
            // A loop, not forEach: a closure per service and step was a seventh of the step loop's allocation.
            for (let i = 0; i < run.stepResponses.length; i++) {
                const response = run.stepResponses[i];
                const next = profile.steps[i + 1] ?? Number.POSITIVE_INFINITY;
                if (now < response.step) {
                    response.before = needed;
                    continue;
                }
                if (response.needed === 0) response.needed = needed;
                if (response.seconds === null && now < next && ready >= needed) response.seconds = now - response.step;
            }
            if (recordsAt(now)) {
                const series = run.series;
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
        }
        if (reporting) {
            peakNodes = Math.max(peakNodes, cluster.nodes.length);
            if (recordsAt(now)) {
                times[record] = now;
                nodes[record] = cluster.nodes.length;
                for (const node of cluster.nodes) nodesByGroup[node.group][record]++;
                readyNodes[record] = cluster.nodeCount(now, true);
                record++;
            }
        }

        // The HPA controller.
        if (now % HPA_SYNC_PERIOD_SECONDS === 0) {
            for (const state of states) {
                syncs++;
                const result = reconcile(now, state.model.hpa, state.hpa, {
                    currentReplicas: state.desired,
                    statusReplicas: state.pods.length,
                    metrics: observe(state, k, now, scrape),
                });
                state.hpa = result.state;
                if (result.rescale && reporting)
                    runs[state.index].scaleEvents.push({ t: now, from: state.desired, to: result.desiredReplicas });
                state.desired = result.desiredReplicas;
            }
        }

        // The Deployments: a rolling update starts at each of the profile's rollout times.
        if ((profile.rollouts ?? []).includes(now)) {
            for (const state of states) {
                if (state.rollout !== undefined) finishRollout(state, runs[state.index], null);
                state.revision++;
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

        // The ReplicaSets: each creates (through the quota) or deletes pods to match its spec replicas.
        // Pods the quota has refused since the warm-up count as refused in the run too: otherwise a
        // service the quota starves from the start would report none.
        if (now === 0) for (const state of states) state.quotaShortfall = 0;
        for (const state of states) {
            const run = runs[state.index];
            let result: { readonly refusedBy: readonly QuotaResource[]; readonly shortfall: number };
            const rollout = state.rollout;
            if (rollout === undefined) {
                result = reconcileReplicaSet(cluster, state, state.revision, state.desired, now);
            } else {
                const ready = (revision: "old" | "new") =>
                    state.pods.filter(
                        (pod) =>
                            ((pod.revision ?? 0) === state.revision) === (revision === "new") &&
                            pod.readyAt !== undefined &&
                            pod.readyAt <= now,
                    ).length;
                const next = rolloutStep(
                    {
                        replicas: state.desired,
                        oldReplicas: rollout.oldReplicas,
                        newReplicas: rollout.newReplicas,
                        oldAvailable: ready("old"),
                        newAvailable: ready("new"),
                    },
                    state.model.config.maxSurge,
                );
                rollout.oldReplicas = next.oldReplicas;
                rollout.newReplicas = next.newReplicas;
                reconcileOldReplicaSets(cluster, state, rollout.oldReplicas, now);
                result = reconcileReplicaSet(cluster, state, state.revision, rollout.newReplicas, now);
                // The new RS's missing pods, each counted once (state.quotaShortfall restarts at 0 with the rollout).
                if (result.shortfall > state.quotaShortfall) {
                    rollout.run.quotaRefusals += result.shortfall - state.quotaShortfall;
                    for (const key of result.refusedBy)
                        rollout.run.quotaRefusedBy[key] =
                            (rollout.run.quotaRefusedBy[key] ?? 0) + result.shortfall - state.quotaShortfall;
                }
                rollout.run.minReady = Math.min(rollout.run.minReady, readyCount(state, now));
                const done =
                    rollout.oldReplicas === 0 &&
                    state.pods.every((pod) => (pod.revision ?? 0) === state.revision) &&
                    ready("new") >= state.desired;
                if (done) finishRollout(state, run, now - rollout.run.startedAt);
            }
            const shortfall = result.shortfall;
            if (reporting && shortfall > state.quotaShortfall) {
                run.quotaRefusals += shortfall - state.quotaShortfall;
                for (const key of result.refusedBy)
                    run.quotaRefusedBy[key] = (run.quotaRefusedBy[key] ?? 0) + shortfall - state.quotaShortfall;
            }
            if (reporting) run.peakQuotaBlocked = Math.max(run.peakQuotaBlocked, shortfall);
            state.quotaShortfall = shortfall;
        }

        cluster.schedule(now);

        // cluster-autoscaler.
        if (now % CA_SCAN_INTERVAL_SECONDS === 0) {
            const scan = cluster.autoscale(now);
            for (const pod of scan.evicted) {
                if (pod.owner >= 0) {
                    const pods = states[pod.owner].pods;
                    pods.splice(pods.indexOf(pod), 1);
                } else {
                    cluster.createPod(pod, now);
                }
            }
            if (scan.evicted.length > 0) cluster.schedule(now);
            if (reporting) {
                for (const [owner, blocked] of scan.blockedByMax)
                    runs[owner].peakNodeMaxBlocked = Math.max(runs[owner].peakNodeMaxBlocked, blocked);
            }
        }
    }
    if (record !== records) throw new Error(`simulate: recorded ${record} points of the ${records} counted`);
    options.onProgress?.(1);
    for (const state of states) if (state.rollout !== undefined) finishRollout(state, runs[state.index], null);

    const end = timeAt(steps - 1);
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
        times,
        nodes,
        nodesByGroup,
        readyNodes,
        peakNodes,
        syncs,
        services: runs.map((run): ServiceRun => {
            let longest = run.longestShortfall;
            if (run.shortfallFrom !== undefined && end - run.shortfallFrom > longest.seconds)
                longest = { seconds: end - run.shortfallFrom, from: run.shortfallFrom };
            return {
                model: run.model,
                series: run.series,
                scaleEvents: run.scaleEvents,
                stepResponses: run.stepResponses,
                longestShortfall: longest,
                peakUnserved: run.peakUnserved,
                servedFraction: run.offered > 0 ? run.served / run.offered : 1,
                overProvisioning: run.neededSeconds > 0 ? run.podSeconds / run.neededSeconds : 1,
                quotaRefusals: run.quotaRefusals,
                quotaRefusedBy: run.quotaRefusedBy,
                peakQuotaBlocked: run.peakQuotaBlocked,
                peakNodeMaxBlocked: run.peakNodeMaxBlocked,
                rollouts: run.rollouts,
            };
        }),
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

function finishRollout(state: ServiceState, run: { rollouts: RolloutRun[] }, seconds: number | null): void {
    run.rollouts.push({ ...state.rollout!.run, seconds });
    state.rollout = undefined;
}

/**
 * The ReplicaSet of `revision`: deletes its pods above `target` (deletionOrder) or creates pods up to
 * it until the quota refuses one. Returns what refused it and how many pods it lacks.
 */
function reconcileReplicaSet(
    cluster: Cluster,
    state: ServiceState,
    revision: number,
    target: number,
    now: number,
): { readonly refusedBy: readonly QuotaResource[]; readonly shortfall: number } {
    // Counted before any list is made: on most steps the ReplicaSet already has its pods.
    let count = 0;
    for (const pod of state.pods) if ((pod.revision ?? 0) === revision) count++;
    if (count > target) {
        const own = state.pods.filter((pod) => (pod.revision ?? 0) === revision);
        for (const pod of deletionOrder(own, now).slice(0, own.length - target)) {
            cluster.deletePod(pod, now);
            state.pods.splice(state.pods.indexOf(pod), 1);
        }
        return NOTHING_REFUSED;
    }
    while (count < target) {
        const created = cluster.createPod({ ...state.template, revision }, now);
        if ("refusedBy" in created) return { refusedBy: created.refusedBy, shortfall: target - count };
        state.pods.push(created);
        count++;
    }
    return NOTHING_REFUSED;
}

/** The answer when the ReplicaSet has its pods: one frozen object, not one per service and step. */
const NOTHING_REFUSED = Object.freeze({ refusedBy: Object.freeze([]) as readonly QuotaResource[], shortfall: 0 });

/** The old ReplicaSets during a rolling update: together down to `target` pods, the least ready first. */
function reconcileOldReplicaSets(cluster: Cluster, state: ServiceState, target: number, now: number): void {
    const old = state.pods.filter((pod) => (pod.revision ?? 0) !== state.revision);
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
