// components/service-monitors.ts: the services' PodMonitors.
import { strict as assert } from "assert";
import { podMonitorName, podMonitorSpec } from "../../components/service-monitors";

describe("the services' PodMonitors", () => {
    it("each service gets a PodMonitor on its app label and its container port named metrics", () => {
        assert.equal(podMonitorName("api-gateway"), "api-gateway-metrics");
        assert.deepEqual(podMonitorSpec("api-gateway"), {
            selector: { matchLabels: { app: "api-gateway" } },
            podMetricsEndpoints: [{ port: "metrics", path: "/metrics" }],
        });
    });
});
