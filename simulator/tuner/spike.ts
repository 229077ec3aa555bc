// The spike's two cures side by side, each alone on the stack file: cluster-autoscaler's headroom,
// or the proposal's faster scale-up; what each costs a month and the margin it leaves.
import type { PlatformConfig } from "../../config";
import { valueAt } from "../../config-path";
import { NEAR_FRACTION } from "../margins";
import { cents, Evaluation } from "./evaluator";
import { Change, HEADROOM_PATH, withPath } from "./search-space";

/** One way to meet the spike's responseSeconds, applied alone to the stack file. */
export interface SpikeOption {
    readonly changes: readonly Change[];
    /** Monthly cost with it, less the stack file's. */
    readonly costDelta: number;
    /** Every spike responseSeconds with it; `margin` is limit - value (negative: missed). */
    readonly responses: readonly {
        readonly service: string;
        readonly value: number;
        readonly limit: number;
        readonly margin: number;
    }[];
    /** Every response met with NEAR_FRACTION of its limit to spare. */
    readonly withMargin: boolean;
}

export interface SpikeComparison {
    /** The smallest of `simulation.tuning.headroom` that meets every spike response with margin; null when none does. */
    readonly headroom: SpikeOption | null;
    /** The headroom sizes tried, smallest first. */
    readonly headroomTried: readonly unknown[];
    /** The proposal's scale-up changes (windows and Percent policies) alone; null when it makes none. */
    readonly scaleUp: SpikeOption | null;
}

/** What the comparison needs of the search's input. */
export interface SpikeInput {
    readonly raw: Readonly<Record<string, unknown>>;
    readonly baseline: PlatformConfig;
    readonly service?: string;
}

/**
 * The smallest headroom of `simulation.tuning.headroom` that meets every spike responseSeconds with
 * NEAR_FRACTION of its limit to spare (sizes are tried smallest first, so the first that does is
 * the cheapest), and the proposal's scale-up changes.
 */
export function spikeComparison(
    input: SpikeInput,
    baseline: Evaluation,
    changes: readonly Change[],
    evaluate: (raw: Record<string, unknown>) => Evaluation,
): SpikeComparison {
    const option = (applied: readonly Change[]) => spikeOption(input, baseline, applied, evaluate);
    const sizes =
        input.service === undefined && input.baseline.addons.clusterAutoscaler.enabled
            ? input.baseline.simulation.tuning.headroom
            : [];
    let headroom: SpikeOption | null = null;
    for (const size of sizes) {
        const candidate = option([
            {
                path: HEADROOM_PATH,
                from: valueAt(input.raw, HEADROOM_PATH),
                to: { cpu: size.cpu, memory: size.memory },
            },
        ]);
        if (candidate.withMargin) {
            headroom = candidate;
            break;
        }
    }
    const scaleUp = changes.filter((change) => change.path[3] === "scaleUp");
    return { headroom, headroomTried: sizes, scaleUp: scaleUp.length === 0 ? null : option(scaleUp) };
}

function spikeOption(
    input: SpikeInput,
    baseline: Evaluation,
    applied: readonly Change[],
    evaluate: (raw: Record<string, unknown>) => Evaluation,
): SpikeOption {
    const raw = applied.reduce(
        (current, change) => withPath(current, change.path, change.to, input.raw),
        structuredClone(input.raw) as Record<string, unknown>,
    );
    const evaluation = evaluate(raw);
    const responses = evaluation.criteria
        .filter(
            (criterion) =>
                criterion.profile === "spike" && !criterion.ownLevels && criterion.criterion === "responseSeconds",
        )
        .map((criterion) => ({
            service: criterion.service,
            value: criterion.value,
            limit: criterion.limit,
            margin: criterion.limit - criterion.value,
        }));
    return {
        changes: applied,
        costDelta: cents(evaluation.monthlyCost - baseline.monthlyCost),
        responses,
        withMargin:
            responses.length > 0 && responses.every((response) => response.margin >= NEAR_FRACTION * response.limit),
    };
}
