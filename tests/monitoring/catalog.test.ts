import * as assert from "assert";
import { ADAPTER_METRIC_SERIES, METRIC_CATALOG } from "../../components/monitoring/metric-catalog";

describe("monitoring/metric-catalog", () => {
    it("names every metric validly and with an exporter and a reference", () => {
        for (const [name, source] of Object.entries(METRIC_CATALOG)) {
            assert.match(name, /^[a-zA-Z_][a-zA-Z0-9_]*$/, name);
            assert.ok(source.exporter.length > 0 && source.reference.length > 0, name);
        }
    });

    it("lists the counter behind each adapter metric of the seed, and never the adapter names themselves", () => {
        for (const [adapterName, source] of Object.entries(ADAPTER_METRIC_SERIES)) {
            assert.ok(METRIC_CATALOG[source.series], `${adapterName}: ${source.series} is not in the catalog`);
            assert.ok(!(adapterName in METRIC_CATALOG), `${adapterName} is served by the adapter, not a Prometheus series`);
        }
    });
});
