// Reading a value at a config path, and the "did you mean" hint for a mistyped name: one home for
// both, shared by the parser (config.ts), the tuner and the simulator's load profiles.

/** A path into the stack's config, e.g. `["services", "api-gateway", "maxReplicas"]`. */
export type ConfigPath = readonly PropertyKey[];

/** The value at `path` in `root`, or undefined when any step on the way is missing or not a map. */
export function valueAt(root: unknown, path: ConfigPath): unknown {
    let node = root;
    for (const key of path) {
        if (node === null || typeof node !== "object") {
            return undefined;
        }
        node = (node as Record<PropertyKey, unknown>)[key];
    }
    return node;
}

/**
 * `did you mean maxReplicas?` when one of `known` is a likely typo of `name`, else undefined:
 * callers place it in their own sentence.
 */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
    const best = closestKey(name, known);
    return best !== undefined ? `did you mean ${best}?` : undefined;
}

/** The known name a typo most likely meant: the nearest by edit distance, if near enough (case aside). */
export function closestKey(name: string, known: readonly string[]): string | undefined {
    const best = known
        .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
        .sort((a, b) => a.distance - b.distance)[0];
    return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.candidate : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions, one each. */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length];
}
