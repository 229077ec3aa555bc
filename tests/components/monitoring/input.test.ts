import { strict as assert } from "assert";
import { observabilityInput } from "../../../components/monitoring/input";
import { stackConfig, stackWith } from "../../helpers/stacks";

describe("observabilityInput: what the rules and the dashboard are built from", () => {
    it("the minimal fixture: its namespace, cluster, one service, one node group and the five quota keys it sets", () => {
        const config = stackConfig("minimal");
        const input = observabilityInput(config, config.addons.monitoring);
        assert.equal(input.namespace, "berrys-dev");
        assert.deepEqual(Object.keys(input.services), ["api-gateway"]);
        assert.deepEqual(input.nodeGroups, config.nodeGroups);
        assert.deepEqual([...input.quotaKeys].sort(), [
            "limits.cpu",
            "limits.memory",
            "pods",
            "requests.cpu",
            "requests.memory",
        ]);
    });

    it("the adapter's rules while it is enabled, none once it is disabled (the dashboard then shows only the targets)", () => {
        const enabled = stackConfig("production");
        assert.ok(observabilityInput(enabled, enabled.addons.monitoring).adapterRules.length > 0);
        const disabled = stackWith("production", (raw) => {
            raw.addons = { ...raw.addons, prometheusAdapter: { enabled: false } };
        });
        assert.deepEqual(observabilityInput(disabled, disabled.addons.monitoring).adapterRules, []);
    });

    it("passes on where the add-ons run, for the unavailable alerts to look there", () => {
        const config = stackConfig("minimal");
        const workload = { namespace: "metrics", deployment: "metrics-server-ha" };
        const input = observabilityInput(config, config.addons.monitoring, {
            addonWorkloads: { metricsServer: workload },
        });
        assert.deepEqual(input.addonWorkloads, { metricsServer: workload });
    });
});
