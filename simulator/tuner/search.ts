// `npm run tune`'s search: the cheapest configuration within the stack's bounds that meets every
// criterion on every profile and passes preview's checks with no finding. Pure and deterministic:
// the budget counts simulations, not time. docs/design/tuner.md explains the search and its guarantee.
import type { PlatformConfig } from "../../config";
import { valueAt } from "../../config-path";
import type { QuotaResource } from "../../capacity/model";
import type { LoadProfile } from "../profiles";
import { CandidateCheck, cents, Evaluation, Evaluator } from "./evaluator";
import { Change, changesOf, Dimension, dimensions, leafChanges, quotaValues, same, withPath } from "./search-space";
import { SpikeComparison, spikeComparison } from "./spike";

export type Objective = "cost" | "replica-hours";
export const OBJECTIVES: readonly Objective[] = ["cost", "replica-hours"];

export interface TuneInput {
    /** The stack's project config as the stack file holds it (keys without the namespace). */
    readonly raw: Readonly<Record<string, unknown>>;
    /** The stack file as preflight accepts it (its tuning passed `tuningChecks`): the baseline's load and the search space. */
    readonly baseline: PlatformConfig;
    /** The checks preview runs (preflight.ts), injected: a proposal must pass them with no finding. */
    readonly check: (raw: Record<string, unknown>) => CandidateCheck;
    /** The criteria profiles (ramp, spike, oscillating, day) and the `--load` files. */
    readonly profiles: readonly LoadProfile[];
    /** Restricts the search to this service's settings (the criteria still hold for every service). */
    readonly service?: string;
    readonly objective: Objective;
    /** Called after each evaluation with the count so far and the budget. */
    readonly onProgress?: (evaluations: number, budget: number) => void;
}

export interface UndoResult {
    readonly change: Change;
    /** Criteria that fail (or check findings that appear) when this change alone is undone. */
    readonly fails: Evaluation["misses"];
    /** Monthly cost with the change undone, less the proposal's. */
    readonly costDelta: number;
    readonly replicaHoursDelta: number;
    /** True when undoing it makes a criterion fail or the objective rise: the local guarantee. */
    readonly holds: boolean;
}

export interface TuneResult {
    readonly objective: Objective;
    /** The dimensions searched, each with the values it was tried with (the stack file's first). */
    readonly dimensions: readonly Dimension[];
    readonly baseline: Evaluation;
    readonly best: Evaluation;
    readonly changes: readonly Change[];
    /** Every value the proposal writes: the changes, and what follows them (a node group's desiredSize). */
    readonly writes: readonly Change[];
    /** Undoing each change alone (empty when no configuration met everything). */
    readonly undo: readonly UndoResult[];
    readonly feasible: boolean;
    readonly evaluations: number;
    readonly budget: number;
    readonly passes: number;
    /** The spike's two cures side by side (`spikeComparison`); undefined without a spike profile. */
    readonly spike?: SpikeComparison;
}

/** What "better" means: fewer misses, less excess over the missed limits, a lower objective, the other figure, fewer changes. */
class Ranking {
    constructor(
        private readonly objective: Objective,
        private readonly space: readonly Dimension[],
        private readonly original: Readonly<Record<string, unknown>>,
    ) {}

    primary(evaluation: Evaluation): number {
        return this.objective === "cost" ? evaluation.monthlyCost : evaluation.replicaHours;
    }

    secondary(evaluation: Evaluation): number {
        return this.objective === "cost" ? evaluation.replicaHours : evaluation.monthlyCost;
    }

    /** Negative when `a` is better than `b`. */
    compare(a: Evaluation, b: Evaluation): number {
        return (
            Math.sign(a.misses.length - b.misses.length) ||
            (a.misses.length > 0 ? Math.sign(cents(a.excess) - cents(b.excess)) : 0) ||
            Math.sign(cents(this.primary(a)) - cents(this.primary(b))) ||
            Math.sign(cents(this.secondary(a)) - cents(this.secondary(b))) ||
            Math.sign(this.changeCount(a.raw) - this.changeCount(b.raw))
        );
    }

    feasible(evaluation: Evaluation): boolean {
        return evaluation.misses.length === 0 && evaluation.complete && Number.isFinite(evaluation.monthlyCost);
    }

    private changeCount(raw: Record<string, unknown>): number {
        return changesOf(this.space, this.original, raw).length;
    }
}

/**
 * Runs the search, in a fixed order: 1. coordinate descent from the stack file (`descend`);
 * 2. pruning, undoing what does not pay for itself (`prune`); 3. the local guarantee, undoing each
 * remaining change alone (`undoEach`); 4. the spike's two cures side by side (`spikeComparison`).
 */
export function tune(input: TuneInput): TuneResult {
    const evaluator = new Evaluator(input);
    const space = dimensions(input.baseline, input.raw, input.service);
    const ranking = new Ranking(input.objective, space, input.raw);
    const baseline = evaluator.evaluate(structuredClone(input.raw) as Record<string, unknown>, { full: true });
    const descent = descend(input, evaluator, ranking, space, baseline);
    let best = prune(input, evaluator, ranking, space, descent.best);
    if (!best.full) best = evaluator.evaluate(best.raw, { full: true });
    const changes = changesOf(space, input.raw, best.raw);
    const undo = ranking.feasible(best) ? undoEach(input, evaluator, ranking, best, changes) : [];
    const spike = input.profiles.some((candidate) => candidate.name === "spike")
        ? spikeComparison(input, baseline, changes, (raw) => evaluator.evaluate(raw, { full: true }))
        : undefined;
    return {
        objective: input.objective,
        dimensions: space.map((dim) => ({ ...dim, values: descent.tried.get(JSON.stringify(dim.path))! })),
        baseline,
        best,
        changes,
        writes: leafChanges(input.raw, best.raw),
        undo,
        feasible: ranking.feasible(best),
        evaluations: evaluator.evaluations,
        budget: evaluator.budget,
        passes: descent.passes,
        spike,
    };
}

/** Each dimension in turn, every value tried with the others held, the best kept; passes until one changes nothing or the budget ends. */
function descend(
    input: TuneInput,
    evaluator: Evaluator,
    ranking: Ranking,
    space: readonly Dimension[],
    start: Evaluation,
): { best: Evaluation; passes: number; tried: Map<string, unknown[]> } {
    let best = start;
    /** The values each dimension was tried with (the quota's depend on the candidate). */
    const tried = new Map(space.map((dim) => [JSON.stringify(dim.path), [] as unknown[]]));
    let passes = 0;
    for (let improved = true; improved && !evaluator.spent; passes++) {
        improved = false;
        for (const dim of space) {
            if (evaluator.spent) break;
            const bestHere = bestAlong(input, evaluator, ranking, dim, best, tried.get(JSON.stringify(dim.path))!);
            if (bestHere !== best) {
                best = bestHere.complete ? bestHere : evaluator.evaluate(bestHere.raw);
                improved = true;
            }
        }
    }
    return { best, passes, tried };
}

/** The best of `best` with `dim` set to each of its values; the values go to `seen`. */
function bestAlong(
    input: TuneInput,
    evaluator: Evaluator,
    ranking: Ranking,
    dim: Dimension,
    best: Evaluation,
    seen: unknown[],
): Evaluation {
    const current = valueAt(best.raw, dim.path);
    const values =
        dim.path[0] === "namespace"
            ? quotaValues(parsedOrBaseline(input, best.raw), dim.path[2] as QuotaResource, current)
            : dim.values;
    for (const value of values) if (!seen.some((other) => same(other, value))) seen.push(value);
    let bestHere = best;
    for (const value of values) {
        if (same(value, current) || evaluator.spent) continue;
        const candidate = evaluator.evaluate(withPath(best.raw, dim.path, value, input.raw), {
            bar: ranking.feasible(bestHere) ? bestHere : undefined,
        });
        if (ranking.compare(candidate, bestHere) < 0 && (candidate.complete || !ranking.feasible(bestHere)))
            bestHere = candidate;
    }
    return bestHere;
}

/** A change whose undoing still meets everything at no higher objective is undone (always run: it keeps the guarantee, whatever the budget). */
function prune(
    input: TuneInput,
    evaluator: Evaluator,
    ranking: Ranking,
    space: readonly Dimension[],
    start: Evaluation,
): Evaluation {
    if (!ranking.feasible(start)) return start;
    let best = start;
    for (let pruned = true; pruned; ) {
        pruned = false;
        for (const change of changesOf(space, input.raw, best.raw)) {
            const undone = evaluator.evaluate(withPath(best.raw, change.path, change.from, input.raw), { bar: best });
            if (ranking.feasible(undone) && cents(ranking.primary(undone)) <= cents(ranking.primary(best))) {
                best = undone;
                pruned = true;
                break;
            }
        }
    }
    return best;
}

/** The local guarantee, checked: each change undone alone, with what fails and what it costs. */
function undoEach(
    input: TuneInput,
    evaluator: Evaluator,
    ranking: Ranking,
    best: Evaluation,
    changes: readonly Change[],
): UndoResult[] {
    return changes.map((change): UndoResult => {
        const undone = evaluator.evaluate(withPath(best.raw, change.path, change.from, input.raw), { full: true });
        return {
            change,
            fails: undone.misses,
            costDelta: cents(undone.monthlyCost - best.monthlyCost),
            replicaHoursDelta: cents(undone.replicaHours - best.replicaHours),
            holds: undone.misses.length > 0 || cents(ranking.primary(undone)) > cents(ranking.primary(best)),
        };
    });
}

/** The candidate parsed for its capacity report; when the checks refuse it, the baseline with the candidate's replicas. */
function parsedOrBaseline(input: TuneInput, raw: Record<string, unknown>): PlatformConfig {
    const checked = input.check(raw);
    if (checked.ok) return checked.config;
    const services = (raw.services ?? {}) as Record<string, { minReplicas?: number; maxReplicas?: number }>;
    return {
        ...input.baseline,
        services: Object.fromEntries(
            Object.entries(input.baseline.services).map(([name, service]) => [
                name,
                {
                    ...service,
                    minReplicas: services[name]?.minReplicas ?? service.minReplicas,
                    maxReplicas: services[name]?.maxReplicas ?? service.maxReplicas,
                },
            ]),
        ),
    };
}
