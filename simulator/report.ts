/**
 * What a simulation run means: the per-service figures the CLI prints, the seed's validation
 * criteria (`simulation.criteria`) checked against them, and the run as JSON. Pure functions of a
 * `SimulationResult`. Which profile checks which criterion: docs/design/simulator.md "Verdicts".
 */
import type { PlatformConfig } from "../config";
import { keyName } from "../config";
import { capacityReport, QuotaResource } from "../capacity/model";
import { HPA_SYNC_PERIOD_SECONDS, newHpaState, reconcile } from "./hpa";
import type { ServiceModel } from "./service-model";
import { simulate } from "./run";
import type { RolloutRun, ServiceRun, SimulationResult } from "./run";
import { builtInProfileOf, Check, criterionMargin, Margin, NEAR_FRACTION, needsMargin } from "./margins";
import { DEFAULT_MAX_UNAVAILABLE, resolveFenceposts } from "./deployment";

export type CriterionName =
    | "responseSeconds"
    | "maxDirectionChangesPerHour"
    | "maxOverProvisioning"
    | "quotaRefusalsBelowMax";

export interface CriterionResult {
    /** `berrys-platform:simulation.criteria.<name>`. */
    readonly key: string;
    readonly criterion: CriterionName;
    readonly service: string;
    readonly value: number;
    readonly limit: number;
    readonly ok: boolean;
    readonly message: string;
}

/** The criteria the run's profile checks, per service. */
export function evaluateCriteria(config: PlatformConfig, result: SimulationResult): CriterionResult[] {
    const criteria = config.simulation.criteria;
    const results: CriterionResult[] = [];
    const check = (criterion: CriterionName, run: ServiceRun, value: number, limit: number, text: string) => {
        const ok = value <= limit;
        results.push({
            key: keyName(["simulation", "criteria", criterion]),
            criterion,
            service: run.model.name,
            value,
            limit,
            ok,
            message: `${ok ? "met" : "MISSED"} ${keyName(["simulation", "criteria", criterion])} (${limit}): ${run.model.name} ${text}`,
        });
    };
    for (const run of result.services) {
        switch (result.profile.name) {
            case "spike": {
                const response = worstResponse(run);
                if (response !== undefined) {
                    const seconds = response.seconds ?? Number.POSITIVE_INFINITY;
                    check(
                        "responseSeconds",
                        run,
                        seconds,
                        criteria.responseSeconds,
                        `${response.seconds === null ? "never had" : `had ${response.seconds} s after the step until`} ${response.needed} ready replicas`,
                    );
                }
                break;
            }
            case "oscillating": {
                const perHour = directionChanges(run) / (result.profile.durationSeconds / 3600);
                check(
                    "maxDirectionChangesPerHour",
                    run,
                    round(perHour, 2),
                    criteria.maxDirectionChangesPerHour,
                    `changed scale direction ${round(perHour, 2)} times per hour`,
                );
                break;
            }
            case "day":
                check(
                    "maxOverProvisioning",
                    run,
                    round(run.overProvisioning, 2),
                    criteria.maxOverProvisioning,
                    `provisioned ${round(run.overProvisioning, 2)} x the replicas needed on average`,
                );
                break;
        }
        if (result.profile.name !== "peak" && result.profile.name !== "rollout") {
            check(
                "quotaRefusalsBelowMax",
                run,
                run.quotaRefusals,
                criteria.quotaRefusalsBelowMax,
                `had ${run.quotaRefusals} pod${run.quotaRefusals === 1 ? "" : "s"} refused by the ResourceQuota${refusedByText(run)}`,
            );
        }
    }
    return results;
}

/**
 * The margins of the criteria that are missed or near their limit (simulator/margins.ts), with the
 * break-even of the assumption each hangs on, found by re-running the run's built-in profile on a
 * changed config; a CSV profile gets the margins without the break-even search.
 */
export function verdictMargins(
    config: PlatformConfig,
    result: SimulationResult,
    criteria: readonly CriterionResult[],
): Margin[] {
    // Margin.criterion is the CriterionResult given here (margins.ts reads it structurally).
    const profile = builtInProfileOf(result, config.simulation.seed);
    return criteria.filter(needsMargin).map((criterion) => {
        const check: Check = (changed) =>
            profile === undefined
                ? undefined
                : evaluateCriteria(changed, simulate(changed, profile)).find(
                      (other) => other.criterion === criterion.criterion && other.service === criterion.service,
                  );
        return criterionMargin(config, result, criterion, profile === undefined ? () => undefined : check);
    });
}

/** Scale events whose direction differs from the one before. */
export function directionChanges(run: Pick<ServiceRun, "scaleEvents">): number {
    let changes = 0;
    for (let i = 1; i < run.scaleEvents.length; i++) {
        const previous = Math.sign(run.scaleEvents[i - 1].to - run.scaleEvents[i - 1].from);
        if (Math.sign(run.scaleEvents[i].to - run.scaleEvents[i].from) !== previous) changes++;
    }
    return changes;
}

/**
 * The fastest the settings allow from `from` to `to` ready replicas: the HPA (same spec, behavior
 * and controller) seeing the new load exactly and at once, on a sync at the step, then the pods'
 * readiness; `withNode` adds the node provisioning time for when the pods must wait for a node.
 */
export function responseFloor(
    model: ServiceModel,
    from: number,
    to: number,
    podReadySeconds: number,
    provisioningSeconds: number,
): { seconds: number; withNode: number } {
    const spec = {
        ...model.hpa,
        metrics: [
            { type: "Pods" as const, name: "load", target: { type: "AverageValue" as const, averageValue: 1000 } },
        ],
    };
    let state = newHpaState();
    let replicas = from;
    let t = 0;
    for (; replicas < to && t < 24 * 3600; t += HPA_SYNC_PERIOD_SECONDS) {
        const pods = Array.from({ length: replicas }, (_, i) => ({
            name: String(i),
            ready: true,
            startTime: -3600,
            readyLastTransitionTime: -3600,
        }));
        const samples = new Map(pods.map((pod) => [pod.name, { value: Math.ceil((to * 1000) / replicas) }]));
        const step = reconcile(t, spec, state, { currentReplicas: replicas, metrics: [{ pods, samples }] });
        state = step.state;
        replicas = step.desiredReplicas;
        if (replicas >= to) break;
    }
    return { seconds: t + podReadySeconds, withNode: t + provisioningSeconds + podReadySeconds };
}

/** The step whose response took longest (a step never answered counts as longest). */
function worstResponse(run: ServiceRun): ServiceRun["stepResponses"][number] | undefined {
    let worst: ServiceRun["stepResponses"][number] | undefined;
    for (const response of run.stepResponses) {
        if (response.needed <= response.before) continue;
        const seconds = response.seconds ?? Number.POSITIVE_INFINITY;
        if (worst === undefined || seconds > (worst.seconds ?? Number.POSITIVE_INFINITY)) worst = response;
    }
    return worst;
}

/** One rolling update as the report prints it. */
export function rolloutText(run: ServiceRun, rollout: RolloutRun): string {
    const { unavailable } = resolveFenceposts(run.model.config.maxSurge, DEFAULT_MAX_UNAVAILABLE, rollout.replicas);
    const keep = rollout.replicas - Math.min(unavailable, rollout.replicas);
    const refused =
        rollout.quotaRefusals === 0
            ? "no new pod refused by the quota"
            : `the quota refused ${rollout.quotaRefusals} new pod${rollout.quotaRefusals === 1 ? "" : "s"}${refusedByText({ quotaRefusedBy: rollout.quotaRefusedBy })}`;
    const outcome =
        rollout.seconds !== null
            ? `done in ${rollout.seconds} s`
            : rollout.minReady < keep
              ? `not finished by the end: stalled below the ${keep} available pods the Deployment keeps (maxUnavailable 25%)`
              : "not finished by the end";
    return (
        `rolling update at ${rollout.replicas} replicas from ${clock(rollout.startedAt)} (maxSurge ${run.model.config.maxSurge}): ${outcome}; ` +
        `ready pods at least ${rollout.minReady}; ${refused}`
    );
}

/**
 * Why a step's load was never met: the quota refused pods after the step, or pods waited with every
 * node group at maxSize, or else the load changed (or the run ended) first.
 */
function notReachedBecause(result: SimulationResult, run: ServiceRun, step: number): string {
    const reasons: string[] = [];
    const refusedAfterStep = result.times.some((t, i) => t >= step && run.series.desired[i] > run.series.pods[i]);
    if (refusedAfterStep) reasons.push(`the ResourceQuota refused pods${refusedByText(run)}`);
    if (run.peakNodeMaxBlocked > 0) reasons.push("pods waited for a node with every node group at maxSize");
    return reasons.length > 0 ? `: ${reasons.join("; ")}` : " before the load changed";
}

/** Which quota keys refused how many pods: " (by limits.cpu: 4 pods)". */
export function refusedByText(run: Pick<ServiceRun, "quotaRefusedBy">): string {
    const keys = Object.entries(run.quotaRefusedBy);
    return keys.length === 0
        ? ""
        : ` (by ${keys.map(([key, count]) => `${key}: ${count} pod${count === 1 ? "" : "s"}`).join(", ")})`;
}

/** Pod-seconds provisioned against needed, named for the side it falls on: short is not over-provisioned. */
export function provisioningText(ratio: number): string {
    const shown = round(ratio, 2);
    return shown >= 1
        ? `over-provisioning: ${shown} x the replicas needed on average`
        : `under-provisioned: ${shown} x the replicas needed on average (fewer than needed)`;
}

/** The verdict line: how many of the checked criteria were met. */
export function criteriaVerdict(checked: number, missed: number): string {
    if (checked === 0) return "Criteria: none checked by this profile.";
    if (missed > 0) return `Criteria: ${missed} of ${checked} missed:`;
    return checked === 1 ? "Criteria: the one checked is met." : `Criteria: all ${checked} met.`;
}

/** Quota keys that refused pods in the run, with what the services need at maxReplicas against the quota. */
export function quotaCauses(
    config: PlatformConfig,
    result: SimulationResult,
): { key: QuotaResource; pods: number; text: string }[] {
    const pods = new Map<QuotaResource, number>();
    for (const run of result.services) {
        for (const [key, count] of Object.entries(run.quotaRefusedBy) as [QuotaResource, number][])
            pods.set(key, (pods.get(key) ?? 0) + count);
    }
    const rows = capacityReport(config).quota;
    return [...pods].map(([key, count]) => {
        const row = rows.find((candidate) => candidate.resource === key);
        const need =
            row === undefined
                ? ""
                : `: at maxReplicas the services need ${row.text.atMax} of the quota's ${row.text.hard}`;
        return {
            key,
            pods: count,
            text: `${keyName(["namespace", "quota", key])} refused ${count} pod${count === 1 ? "" : "s"}${need}`,
        };
    });
}

/** The run as the CLI prints it, for the services in `only` (default all). */
export function formatReport(config: PlatformConfig, result: SimulationResult, only?: readonly string[]): string {
    const shown = (service: string) => only === undefined || only.includes(service);
    const minutes = Math.round(result.profile.durationSeconds / 60);
    const lines = [
        `${result.stack}, profile ${result.profile.name}: ${result.profile.description}`,
        `  ${minutes} min simulated; nodes ${result.nodes[0] ?? 0} at the start, ${result.peakNodes} at most`,
    ];
    for (const run of result.services.filter((candidate) => shown(candidate.model.name)))
        lines.push("", ...serviceLines(config, result, run));
    lines.push("", ...profileFindingLines(config, result, shown));
    lines.push(...criteriaLines(config, result, shown));
    return lines.join("\n");
}

/** One service's block of the report. */
function serviceLines(config: PlatformConfig, result: SimulationResult, run: ServiceRun): string[] {
    const model = run.model;
    const lines = [
        `${model.name}: load in ${model.loadUnit}, ${round(model.capacityPerPod, 2)} per pod at target; replicas ${model.config.minReplicas}-${model.config.maxReplicas}`,
    ];
    const response = worstResponse(run);
    if (response !== undefined) lines.push(`  ${responseText(config, result, run, response)}`);
    const short = run.longestShortfall;
    lines.push(
        `  longest under-provisioning (fewer ready pods than needed, loaded over 10% past their target): ${short.seconds} s${short.seconds > 0 ? ` from ${clock(short.from)}` : ""}`,
    );
    lines.push(
        `  peak unserved load: ${round(run.peakUnserved.load, 1)}${run.peakUnserved.load > 0 ? ` (${round(100 * run.peakUnserved.ofLoad, 1)}% of the load, at ${clock(run.peakUnserved.t)})` : ""}; ` +
            `served ${round(100 * run.servedFraction, 2)}% of all load`,
    );
    const ups = run.scaleEvents.filter((event) => event.to > event.from).length;
    const changes = directionChanges(run);
    lines.push(
        `  scale events: ${run.scaleEvents.length} (${ups} up, ${run.scaleEvents.length - ups} down); direction changes: ${changes} ` +
            `(${round(changes / (result.profile.durationSeconds / 3600), 2)} per hour)`,
    );
    lines.push(`  ${provisioningText(run.overProvisioning)}`);
    for (const rollout of run.rollouts) lines.push(`  ${rolloutText(run, rollout)}`);
    lines.push(`  ${blockedText(run)}`);
    return lines;
}

/** The time from the worst step to enough ready replicas, beside the floor the settings allow. */
function responseText(
    config: PlatformConfig,
    result: SimulationResult,
    run: ServiceRun,
    response: ServiceRun["stepResponses"][number],
): string {
    const floor = responseFloor(
        run.model,
        response.before,
        response.needed,
        config.simulation.podReadySeconds,
        config.addons.clusterAutoscaler.nodeProvisioningSeconds,
    );
    const took =
        response.seconds === null
            ? `not reached${notReachedBecause(result, run, response.step)}`
            : `${response.seconds} s`;
    return (
        `time from a step to enough ready replicas (${response.before} -> ${response.needed}): ${took}; ` +
        `floor the settings allow ${floor.seconds} s, ${floor.withNode} s when a node must be added`
    );
}

/** What blocked the service's pods: the quota, node groups at maxSize, or neither though none was ready. */
function blockedText(run: ServiceRun): string {
    return (
        `blocked by quota: ${run.quotaRefusals === 0 ? "none" : `${run.quotaRefusals} pod${run.quotaRefusals === 1 ? "" : "s"} refused${refusedByText(run)}, at most ${run.peakQuotaBlocked} missing at once`}; ` +
        `blocked by node max: ${run.peakNodeMaxBlocked === 0 ? "none" : `at most ${run.peakNodeMaxBlocked} pods pending with every node group at maxSize`}` +
        (run.servedFraction === 0 && run.quotaRefusals === 0 && run.peakNodeMaxBlocked === 0
            ? `; yet no pod was ready to serve: at most ${Math.max(0, ...run.series.pods)} pods existed, none became ready`
            : "")
    );
}

/** The findings of the profiles that drive every service to maxReplicas: the quota at peak, the rolling updates. */
function profileFindingLines(
    config: PlatformConfig,
    result: SimulationResult,
    shown: (service: string) => boolean,
): string[] {
    if (result.profile.name === "peak") {
        const causes = quotaCauses(config, result);
        return [
            causes.length === 0
                ? "Quota at top load: no pod refused."
                : `Quota at top load (expected when the services' maxReplicas need more than the quota): ${causes.map((cause) => cause.text).join("; ")}`,
        ];
    }
    if (result.profile.name === "rollout") {
        const stalled = result.services
            .filter((run) => shown(run.model.name))
            .filter((run) => run.rollouts.some((rollout) => rollout.seconds === null));
        return [
            stalled.length === 0
                ? "Rolling updates at top load: every service finished."
                : `Rolling updates at top load: ${stalled.map((run) => run.model.name).join(", ")} did not finish (the quota refused the new pods ` +
                  "and the Deployment keeps its old ones while fewer than replicas - maxUnavailable are available).",
        ];
    }
    return [];
}

/** The verdict, then each criterion missed or met within NEAR_FRACTION of its limit, with its margin. */
function criteriaLines(
    config: PlatformConfig,
    result: SimulationResult,
    shown: (service: string) => boolean,
): string[] {
    const criteria = evaluateCriteria(config, result).filter((criterion) => shown(criterion.service));
    const missed = criteria.filter((criterion) => !criterion.ok);
    const near = criteria.filter((criterion) => criterion.ok && needsMargin(criterion));
    const margins = verdictMargins(config, result, criteria);
    const withMargin = (criterion: CriterionResult) => {
        const margin = margins.find((candidate) => candidate.criterion === criterion);
        return margin === undefined
            ? [`  ${criterion.message}`]
            : [`  ${criterion.message}`, `    margin: ${margin.text}`];
    };
    const lines = [criteriaVerdict(criteria.length, missed.length), ...missed.flatMap(withMargin)];
    if (near.length > 0) lines.push(`Met within ${NEAR_FRACTION * 100} % of the limit:`);
    lines.push(...near.flatMap(withMargin));
    return lines;
}

/** The criteria one profile's run checked (simulate collects one per profile for its summary). */
export interface ProfileCriteria {
    readonly profile: string;
    readonly criteria: readonly CriterionResult[];
}

/** A missed criterion in a few words: "responseSeconds on spike (260 > 240)". */
export function missText(profile: string, criterion: CriterionResult): string {
    const value = Number.isFinite(criterion.value) ? String(criterion.value) : "never";
    return `${criterion.criterion} on ${profile} (${value} > ${criterion.limit})`;
}

/**
 * The summary simulate ends with: per service, the criteria met and missed over every profile run,
 * each miss named; `services` in the config's order (a service no profile checked shows 0 and 0).
 */
export function criteriaSummary(runs: readonly ProfileCriteria[], services: readonly string[]): string {
    const rows = services.map((service) => {
        const checked = runs.flatMap((run) =>
            run.criteria
                .filter((criterion) => criterion.service === service)
                .map((criterion) => ({ profile: run.profile, criterion })),
        );
        const missed = checked.filter((each) => !each.criterion.ok);
        return [
            service,
            String(checked.length - missed.length),
            String(missed.length),
            missed.map((each) => missText(each.profile, each.criterion)).join("; "),
        ];
    });
    const table = [["service", "met", "missed", "missed criteria"], ...rows];
    const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
    const lines = table.map(
        (row) =>
            `  ${row
                .map((cell, column) =>
                    column === 0 || column === 3 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
                )
                .join("  ")
                .trimEnd()}`,
    );
    return [
        `Summary: criteria met and missed by service (profiles: ${runs.map((run) => run.profile).join(", ")})`,
        ...lines,
    ].join("\n");
}

/** The last line of `simulate --check`: every criterion met, or each miss by service. */
export function checkVerdict(runs: readonly ProfileCriteria[]): string {
    const missed = runs.flatMap((run) =>
        run.criteria
            .filter((criterion) => !criterion.ok)
            .map((criterion) => `${criterion.service} ${missText(run.profile, criterion)}`),
    );
    return missed.length === 0
        ? "check: every criterion met"
        : `check: ${missed.length} criteri${missed.length === 1 ? "on" : "a"} MISSED: ${missed.join("; ")}`;
}

/** The run as plain JSON: the per-service series and figures, time in seconds from the start. */
export function resultJson(config: PlatformConfig, result: SimulationResult): object {
    return {
        stack: result.stack,
        profile: result.profile,
        stepSeconds: result.stepSeconds,
        recordSeconds: result.recordSeconds,
        times: result.times,
        nodes: result.nodes,
        readyNodes: result.readyNodes,
        criteria: evaluateCriteria(config, result),
        services: Object.fromEntries(
            result.services.map((run) => [
                run.model.name,
                {
                    loadUnit: run.model.loadUnit,
                    capacityPerPod: run.model.capacityPerPod,
                    minReplicas: run.model.config.minReplicas,
                    maxReplicas: run.model.config.maxReplicas,
                    series: run.series,
                    scaleEvents: run.scaleEvents,
                    stepResponses: run.stepResponses,
                    longestShortfall: run.longestShortfall,
                    peakUnserved: run.peakUnserved,
                    servedFraction: run.servedFraction,
                    directionChanges: directionChanges(run),
                    overProvisioning: run.overProvisioning,
                    quotaRefusals: run.quotaRefusals,
                    quotaRefusedBy: run.quotaRefusedBy,
                    peakQuotaBlocked: run.peakQuotaBlocked,
                    peakNodeMaxBlocked: run.peakNodeMaxBlocked,
                    rollouts: run.rollouts,
                },
            ]),
        ),
    };
}

/** Seconds from the start as h:mm:ss or m:ss. */
export function clock(seconds: number): string {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = Math.round(seconds % 60);
    const pad = (value: number) => String(value).padStart(2, "0");
    return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

function round(value: number, digits: number): number {
    return Number(value.toFixed(digits));
}
