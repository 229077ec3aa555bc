// components/metrics-server.ts: the metrics-server release's values.
import { strict as assert } from "assert";
import { SAFE_TO_EVICT_LOCAL_VOLUMES } from "../../components/helm-release";
import { metricsServerValues } from "../../components/metrics-server";
import { stackConfig } from "../helpers/stacks";

describe("metrics-server", () => {
    const production = stackConfig("production");
    const values = metricsServerValues(production.addons.metricsServer) as Record<string, any>;

    it("runs 2 replicas spread over nodes with a PDB enabled", () => {
        assert.equal(values.replicas, 2);
        assert.deepEqual(values.podDisruptionBudget, {
            enabled: true,
            maxUnavailable: 1,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        });
        assert.deepEqual(values.topologySpreadConstraints, [
            {
                maxSkew: 1,
                topologyKey: "kubernetes.io/hostname",
                whenUnsatisfiable: "DoNotSchedule",
                labelSelector: {
                    matchLabels: {
                        "app.kubernetes.io/name": "metrics-server",
                        "app.kubernetes.io/instance": "metrics-server",
                    },
                },
                matchLabelKeys: ["pod-template-hash"],
            },
        ]);
    });

    it("keeps the chart's args (no list replaced) and marks its tmp emptyDir safe to evict", () => {
        assert.equal(values.defaultArgs, undefined);
        assert.equal(values.args, undefined);
        assert.deepEqual(values.podAnnotations, { [SAFE_TO_EVICT_LOCAL_VOLUMES]: "tmp" });
    });
});
