import * as assert from "assert";
import { METRIC_CATALOG } from "../../components/monitoring/metric-catalog";
import { stackConfig } from "../helpers/stacks";

describe("monitoring/metric-catalog", () => {
    it("names every metric validly and with an exporter and a reference", () => {
        for (const [name, source] of Object.entries(METRIC_CATALOG)) {
            assert.match(name, /^[a-zA-Z_][a-zA-Z0-9_]*$/, name);
            assert.ok(source.exporter.length > 0 && source.reference.length > 0, name);
        }
    });

    it("lists the counter behind each adapter metric of the seed, and never the adapter names themselves", () => {
        const rules = stackConfig("production").addons.prometheusAdapter.rules;
        assert.deepStrictEqual(rules.map((rule) => rule.series), ["model_requests_total", "http_requests_total", "agent_created_total"]);
        for (const rule of rules) {
            assert.ok(METRIC_CATALOG[rule.series], `${rule.metric}: ${rule.series} is not in the catalog`);
            assert.ok(!(rule.metric in METRIC_CATALOG), `${rule.metric} is served by the adapter, not a Prometheus series`);
        }
    });
});
