// Property-based tests of the config parser: random valid configs always parse, and one random
// mutation of a valid config always gives a clear error naming the key, never an exception.
import * as assert from "assert";
import fc from "fast-check";
import { checkConfig } from "../preflight";
import { Mutation, mutatedRawConfig, STACK, validRawConfig } from "./capacity/arbitraries";

/** Cases per property. */
export const RUNS = 1000;

const PREFIXES = ["berrys-platform:", "aws:region"];

/** True when `error` is about `key` itself (not a longer key that starts the same). */
function names(error: string, key: string): boolean {
    return error.startsWith(key) && /^($|[ .])/.test(error.slice(key.length));
}

describe("config properties (fast-check)", function () {
    this.timeout(120_000);

    it(`accepts every random valid config (${RUNS} cases)`, () => {
        fc.assert(
            fc.property(validRawConfig, (raw) => {
                const result = checkConfig(raw, STACK);
                assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
                assert.ok(result.warnings.every((warning) => warning.startsWith("berrys-platform:")));
            }),
            { numRuns: RUNS },
        );
    });

    it(`rejects every mutated config with an error naming the key, and never throws (${RUNS} cases)`, () => {
        fc.assert(
            fc.property(mutatedRawConfig, (mutation: Mutation) => {
                const result = checkConfig(mutation.raw, STACK);
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
            { numRuns: RUNS },
        );
    });

    it(`never throws on arbitrary JSON at any top-level key, and names a key in every message (${RUNS} cases)`, () => {
        const keys = fc.constantFrom(
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
        fc.assert(
            fc.property(validRawConfig, keys, fc.jsonValue(), (raw, key, value) => {
                // Known crash, pinned by the pending test below: leave it out here until it is fixed.
                const result = checkConfig({ ...raw, [key]: value }, STACK);
                const messages = result.ok ? result.warnings : result.errors;
                assert.ok(
                    messages.every((message) => PREFIXES.some((prefix) => message.startsWith(prefix))),
                    messages.join("\n"),
                );
            }),
            { numRuns: RUNS },
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

    it(`reports a missing aws:region by name (${RUNS} cases)`, () => {
        fc.assert(
            fc.property(validRawConfig, (raw) => {
                const result = checkConfig(raw, { stack: "property", region: "" });
                assert.ok(!result.ok && result.errors.some((error) => error.startsWith("aws:region")));
            }),
            { numRuns: RUNS },
        );
    });
});
