import * as assert from "assert";
import { metricNames, promqlErrors, substituteGrafanaVariables } from "./promql";

describe("PromQL test helper (lezer-promql)", () => {
    it("reports a missing parenthesis: sum(rate(x[5m]) by (pod)", () => {
        assert.notDeepStrictEqual(promqlErrors("sum(rate(x[5m]) by (pod)"), []);
    });

    it("reports a range selector without duration and a dangling operator", () => {
        assert.notDeepStrictEqual(promqlErrors("rate(x[])"), []);
        assert.notDeepStrictEqual(promqlErrors("x >"), []);
        assert.notDeepStrictEqual(
            promqlErrors("rate(x[$__rate_interval])"),
            [],
            "an unreplaced Grafana variable is not PromQL",
        );
    });

    it("accepts valid PromQL with binary matching, offsets and aggregation modifiers", () => {
        assert.deepStrictEqual(
            promqlErrors('sum by (pod) (rate(x{a="b"}[5m])) / ignoring (type) y offset 1m > 0.9'),
            [],
        );
    });

    it("lists metric names from vector and matrix selectors, not label names or functions", () => {
        assert.deepStrictEqual(
            metricNames('sum by (pod) (rate(a_total{pod=~"p"}[5m])) / on (pod) b and changes(rec:c:d[1h]) > 0').sort(),
            ["a_total", "b", "rec:c:d"],
        );
    });

    it("replaces Grafana variables so the query parses", () => {
        const query = 'rate(x{hpa=~"($service)-hpa", s="${service}"}[$__rate_interval])';
        assert.strictEqual(
            substituteGrafanaVariables(query),
            'rate(x{hpa=~"(agent-orchestrator)-hpa", s="agent-orchestrator"}[5m])',
        );
        assert.deepStrictEqual(promqlErrors(substituteGrafanaVariables(query)), []);
    });
});
