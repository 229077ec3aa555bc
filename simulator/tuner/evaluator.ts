// A candidate's verdict: preview's checks, then every profile simulated at the baseline's load
// levels (and at its own when it changes them), the criteria it misses and what it costs. The
// Evaluator owns the cache of verdicts and the count of simulated candidates the budget limits.
import type { PlatformConfig } from "../../config";
import { keyName } from "../../config";
import { hourlyPrice, HOURS_PER_MONTH } from "../../catalog/prices";
import { serviceModels } from "../service-model";
import type { ServiceModel } from "../service-model";
import { LoadProfile, tunerOrder } from "../profiles";
import { CriterionResult, evaluateCriteria } from "../report";
import { SimulationResult, simulate } from "../run";

/** What the preview checks say about a candidate: `problems` are its errors and warnings. */
export type CandidateCheck =
    | { readonly ok: true; readonly config: PlatformConfig; readonly problems: readonly string[] }
    | { readonly ok: false; readonly problems: readonly string[] };

/** A criterion a candidate misses, or a finding of the checks. */
export interface Miss {
    /** `berrys-platform:simulation.criteria.<name>` or `check`. */
    readonly key: string;
    /** The profile it was missed on (`check` for a finding of the checks). */
    readonly profile: string;
    readonly service?: string;
    readonly value?: number;
    readonly limit?: number;
    readonly message: string;
}

/** A criterion checked, with the profile it ran on (the baseline's levels unless `ownLevels`). */
export type ProfileCriterion = CriterionResult & { readonly profile: string; readonly ownLevels: boolean };

export interface Evaluation {
    readonly raw: Record<string, unknown>;
    readonly misses: readonly Miss[];
    /** Σ over missed criteria of (value - limit) / limit, each at most 10; 1 per check finding. */
    readonly excess: number;
    readonly criteria: readonly ProfileCriterion[];
    /** Over the cost profiles (the day and the --load files): pod-hours of the services and node-hours. */
    readonly replicaHours: number;
    readonly nodeHours: number;
    /** USD per month: the cost profiles' mean node count per group x its price x 730 h. */
    readonly monthlyCost: number;
    /** False when the search stopped simulating it early (it was already worse than the best). */
    readonly complete: boolean;
    /** Every profile simulated (none skipped because the checks settle it). */
    readonly full: boolean;
}

export interface EvaluatorInput {
    /** The stack file parsed: its load levels are the ones every candidate is played at. */
    readonly baseline: PlatformConfig;
    /** The checks preview runs (preflight.ts), injected: a proposal must pass them with no finding. */
    readonly check: (raw: Record<string, unknown>) => CandidateCheck;
    /** The criteria profiles (ramp, spike, oscillating, day) and the `--load` files. */
    readonly profiles: readonly LoadProfile[];
    /** Called after each simulated candidate with the count so far and the budget. */
    readonly onProgress?: (evaluations: number, budget: number) => void;
}

export interface EvaluateOptions {
    /** The best so far, feasible: stop at the first miss and skip the profiles the checks settle. */
    readonly bar?: Evaluation;
    /** Evaluate everything, for the report. */
    readonly full?: boolean;
}

interface Run {
    readonly profile: LoadProfile;
    readonly ownLevels: boolean;
}

export class Evaluator {
    readonly budget: number;
    private simulated = 0;
    private readonly cache = new Map<string, Evaluation>();
    private readonly baseModels: readonly ServiceModel[];
    private readonly baseLevels: string;

    constructor(private readonly input: EvaluatorInput) {
        this.budget = input.baseline.simulation.tuning.maxEvaluations;
        this.baseModels = serviceModels(input.baseline);
        this.baseLevels = levels(this.baseModels);
    }

    /** Candidates simulated so far: the budget counts these (cached and check-refused ones are free). */
    get evaluations(): number {
        return this.simulated;
    }

    /** True once the budget is spent. */
    get spent(): boolean {
        return this.evaluations >= this.budget;
    }

    /** `raw`'s verdict, from the cache when one there answers as much as `options` ask. */
    evaluate(raw: Record<string, unknown>, options: EvaluateOptions = {}): Evaluation {
        const key = JSON.stringify(raw);
        const cached = this.cache.get(key);
        if (cached !== undefined && (cached.full || (!options.full && (cached.complete || options.bar !== undefined))))
            return cached;
        const evaluation = this.verdict(raw, options);
        this.cache.set(key, evaluation);
        return evaluation;
    }

    private verdict(raw: Record<string, unknown>, options: EvaluateOptions): Evaluation {
        const checked = this.input.check(raw);
        const checkMisses: Miss[] = checked.problems.map((message) => ({ key: "check", profile: "check", message }));
        // A stack the checks refuse has no config to simulate; one with findings cannot beat a feasible best.
        if (!checked.ok || (options.bar !== undefined && checkMisses.length > 0))
            return unsimulated(raw, checkMisses, !checked.ok);
        const price = nodeGroupPrices(checked.config);
        const runs = this.runs(checked.config);
        this.simulated++;
        const evaluation = this.simulateRuns(raw, checked.config, runs, price, checkMisses, options);
        this.input.onProgress?.(this.simulated, this.budget);
        return evaluation;
    }

    private simulateRuns(
        raw: Record<string, unknown>,
        config: PlatformConfig,
        runs: readonly Run[],
        price: Readonly<Record<string, number>>,
        checkMisses: readonly Miss[],
        options: EvaluateOptions,
    ): Evaluation {
        const early = !options.full && options.bar !== undefined;
        const tally = new Tally(checkMisses);
        for (const run of runs) {
            if (early && run.profile.settledByChecks) {
                tally.skipped = true;
                continue;
            }
            const result = simulate(config, run.profile);
            tally.addCriteria(config, result, run);
            if (!run.ownLevels && run.profile.tunerRole === "cost") tally.addCost(result, price);
            if (early && tally.misses.length > 0) {
                tally.complete = false;
                break;
            }
        }
        return tally.evaluation(raw);
    }

    /**
     * The profiles at the baseline's levels, and at the candidate's own when it changes them, in
     * `tunerOrder`: cheap tests first, then the profiles that give the cost, those the checks settle last.
     */
    private runs(config: PlatformConfig): Run[] {
        const ownLevels = levels(serviceModels(config)) !== this.baseLevels;
        const runs: Run[] = [
            ...this.input.profiles.map((profile) => ({ profile: frozen(profile, this.baseModels), ownLevels: false })),
            ...(ownLevels
                ? this.input.profiles
                      .filter((profile) => !profile.settledByChecks)
                      .map((profile) => ({ profile, ownLevels: true }))
                : []),
        ];
        return runs.sort((a, b) => tunerOrder(a.profile) - tunerOrder(b.profile));
    }
}

/** What a candidate's runs add up to, in the order they ran. */
class Tally {
    readonly criteria: ProfileCriterion[] = [];
    readonly misses: Miss[];
    excess: number;
    replicaSeconds = 0;
    nodeSeconds = 0;
    costSeconds = 0;
    dollars = 0;
    complete = true;
    skipped = false;

    constructor(checkMisses: readonly Miss[]) {
        this.misses = [...checkMisses];
        this.excess = checkMisses.length;
    }

    addCriteria(config: PlatformConfig, result: SimulationResult, run: Run): void {
        for (const criterion of evaluateCriteria(config, result)) {
            this.criteria.push({ ...criterion, profile: run.profile.name, ownLevels: run.ownLevels });
            if (criterion.ok) continue;
            this.misses.push({
                key: criterion.key,
                profile: run.profile.name + (run.ownLevels ? " (own levels)" : ""),
                service: criterion.service,
                value: criterion.value,
                limit: criterion.limit,
                message: criterion.message,
            });
            this.excess += Math.min(10, (criterion.value - criterion.limit) / Math.max(criterion.limit, 1e-9));
        }
    }

    addCost(result: SimulationResult, price: Readonly<Record<string, number>>): void {
        const step = result.recordSeconds;
        for (const service of result.services)
            this.replicaSeconds += service.series.pods.reduce((sum, pods) => sum + pods, 0) * step;
        for (const [group, series] of Object.entries(result.nodesByGroup)) {
            const seconds = series.reduce((sum, count) => sum + count, 0) * step;
            this.nodeSeconds += seconds;
            this.dollars += (seconds / 3600) * price[group];
        }
        this.costSeconds += result.times.length * step;
    }

    evaluation(raw: Record<string, unknown>): Evaluation {
        const hours = this.costSeconds / 3600;
        return {
            raw,
            misses: this.misses,
            excess: this.excess,
            criteria: this.criteria,
            replicaHours: this.replicaSeconds / 3600,
            nodeHours: this.nodeSeconds / 3600,
            monthlyCost: this.costSeconds > 0 ? Math.round((this.dollars / hours) * HOURS_PER_MONTH * 100) / 100 : 0,
            complete: this.complete,
            full: this.complete && !this.skipped,
        };
    }
}

/** A candidate the checks settle without a simulation: refused (`complete`), or worse than the bar. */
function unsimulated(raw: Record<string, unknown>, misses: readonly Miss[], complete: boolean): Evaluation {
    return {
        raw,
        misses,
        excess: misses.length,
        criteria: [],
        replicaHours: Number.POSITIVE_INFINITY,
        nodeHours: Number.POSITIVE_INFINITY,
        monthlyCost: Number.POSITIVE_INFINITY,
        complete,
        full: complete,
    };
}

/** USD per hour per node group: the dearest of its instance types. */
function nodeGroupPrices(config: PlatformConfig): Record<string, number> {
    return Object.fromEntries(
        Object.entries(config.nodeGroups).map(([name, group]) => {
            const each = group.instanceTypes.map((type) => hourlyPrice(type, config.simulation.tuning.prices));
            const missing = each.findIndex((price) => price === undefined);
            if (missing >= 0) {
                const type = group.instanceTypes[missing];
                throw new Error(
                    `no price for ${type}: set ${keyName(["simulation", "tuning", "prices", type])} (USD per hour)`,
                );
            }
            return [name, Math.max(...(each as number[]))];
        }),
    );
}

/** `profile` at the baseline's levels: every service's load as the stack file's settings define it. */
export function frozen(profile: LoadProfile, baseModels: readonly ServiceModel[]): LoadProfile {
    return { ...profile, load: (_model, index, t) => profile.load(baseModels[index], index, t) };
}

/** What the profiles' levels depend on, per service. */
function levels(models: readonly ServiceModel[]): string {
    return JSON.stringify(
        models.map((model) => [model.name, model.config.minReplicas, model.config.maxReplicas, model.capacityPerPod]),
    );
}

/** To the cent: the search compares costs and replica-hours at this precision. */
export function cents(value: number): number {
    return Number.isFinite(value) ? Math.round(value * 100) / 100 : value;
}
