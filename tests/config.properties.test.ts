// Property-based tests of the config parser: random valid configs always parse, and one random
// mutation of a valid config always gives a clear error naming the key, never an exception.
import * as assert from "assert";
import fc from "fast-check";
import { checkConfig } from "../preflight";
import { Mutation, mutatedRawConfig, STACK, validRawConfig } from "./capacity/arbitraries";

// Cases per property, chosen by V8 block coverage of the program over four seeds: even 1,000
// mutations reach some rare cross-key rules (a mistake that empties a list another check reads)
// in one seed and not the next, and 750 reach as much as 1,000 in the same way, each some that the
// other misses; 500 valid configs, with JSON at a top-level key, likewise reach as much as 1,000.
const RUNS = { valid: 500, mutated: 750 } as const;

/**
 * A missing region reaches parseConfig's own check and the two cross-checks that look the region
 * up (partition, zone IDs), whatever the config: a hundred configs run every cross-check with it.
 */
const REGION_RUNS = 100;

const PREFIXES = ["berrys-platform:", "aws:region"];

/** True when `error` is about `key` itself (not a longer key that starts the same). */
function names(error: string, key: string): boolean {
    return error.startsWith(key) && /^($|[ .])/.test(error.slice(key.length));
}

const TOP_LEVEL_KEYS = fc.constantFrom(
    "cluster",
    "network",
    "nodeGroups",
    "namespace",
    "services",
    "guardrails",
    "addons",
    "simulation",
    "bogus",
);

/** What must hold of every random valid config `raw`, and of it with `value` at top-level `key`. */
const VALID_CONFIG_PROPERTIES: Readonly<
    Record<string, (raw: Record<string, unknown>, key: string, value: unknown) => void>
> = {
    "accepts it, with only berrys-platform: warnings": (raw) => {
        const result = checkConfig(raw, STACK);
        assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
        assert.ok(result.warnings.every((warning) => warning.startsWith("berrys-platform:")));
    },
    "never throws on arbitrary JSON at any top-level key, and names a key in every message": (raw, key, value) => {
        const result = checkConfig({ ...raw, [key]: value }, STACK);
        const messages = result.ok ? result.warnings : result.errors;
        assert.ok(
            messages.every((message) => PREFIXES.some((prefix) => message.startsWith(prefix))),
            messages.join("\n"),
        );
    },
};

describe("config properties (fast-check)", function () {
    this.timeout(120_000);

    // The two share their cases: drawing a random config costs about what checking it does.
    it(`on ${RUNS.valid} random valid configs: ${Object.keys(VALID_CONFIG_PROPERTIES).join("; ")}`, () => {
        fc.assert(
            fc.property(validRawConfig, TOP_LEVEL_KEYS, fc.jsonValue(), (raw, key, value) => {
                for (const [name, holds] of Object.entries(VALID_CONFIG_PROPERTIES)) {
                    assert.doesNotThrow(() => holds(raw, key, value), name);
                }
            }),
            { numRuns: RUNS.valid },
        );
    });

    it(`reports a missing aws:region by name on ${REGION_RUNS} random valid configs`, () => {
        fc.assert(
            fc.property(validRawConfig, (raw) => {
                const result = checkConfig(raw, { stack: "property", region: "" });
                assert.ok(!result.ok && result.errors.some((error) => error.startsWith("aws:region")));
            }),
            { numRuns: REGION_RUNS },
        );
    });

    it(`rejects every mutated config with an error naming the key, never throws, and leaves the config as given (${RUNS.mutated} cases)`, () => {
        fc.assert(
            fc.property(mutatedRawConfig, (mutation: Mutation) => {
                const given = JSON.stringify(mutation.raw);
                const result = checkConfig(mutation.raw, STACK);
                // Salvage leaves the invalid keys out of a copy of what it changes, never of the caller's config.
                assert.strictEqual(JSON.stringify(mutation.raw), given, "checkConfig changed the config it was given");
                assert.ok(!result.ok, `${mutation.kind} at ${mutation.path.join(".")} was accepted`);
                assert.ok(result.errors.length > 0);
                for (const error of result.errors) {
                    assert.ok(
                        PREFIXES.some((prefix) => error.startsWith(prefix)),
                        `message without its key: ${error}`,
                    );
                }
                assert.ok(
                    result.errors.some((error) => mutation.expectedKeys.some((key) => names(error, key))),
                    `${mutation.kind} at ${mutation.path.join(".")}: no error names ${mutation.expectedKeys.join(" or ")}:\n${result.errors.join("\n")}`,
                );
            }),
            { numRuns: RUNS.mutated },
        );
    });

    // A service or node group left empty in the stack file (`api-gateway:` with nothing below it)
    // reaches the parser as null: the cross-field rules must name it, not throw.
    it("names a service or node group given as null (an empty YAML entry) instead of throwing", () => {
        for (const key of ["services", "nodeGroups"]) {
            const result = checkConfig(
                { ...fc.sample(validRawConfig, { seed: 1, numRuns: 1 })[0], [key]: { empty: null } },
                STACK,
            );
            assert.ok(!result.ok && result.errors.some((error) => error.startsWith(`berrys-platform:${key}.empty`)));
        }
    });
});
