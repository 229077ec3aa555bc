// The add-ons' pods as the capacity model counts them: the platform pods but the DaemonSets, with
// their requests in cores and bytes and the priority of their class.
import { strict as assert } from "assert";
import { addonPodRequests } from "../../capacity/system-pods";
import { stackConfig, stackWith } from "../helpers/stacks";

describe("addonPodRequests", () => {
    const pods = addonPodRequests(stackConfig("production"));
    const pod = (name: string) => pods.find((candidate) => candidate.name === name)!;

    it("leaves out the DaemonSets, which guardrails.daemonSetRequestsPerNode counts on every node", () => {
        for (const name of ["aws-node", "kube-proxy", "eks-pod-identity-agent", "ebs-csi-node"]) {
            assert.equal(
                pods.find((candidate) => candidate.name === name),
                undefined,
                name,
            );
        }
    });

    it("CoreDNS: 2 replicas of 100m and 70Mi as 0.1 cores and 73400320 bytes, at system-cluster-critical (2000000000)", () => {
        assert.deepEqual(pod("coredns"), {
            name: "coredns",
            namespace: "kube-system",
            replicas: 2,
            requests: { cpu: 0.1, memory: 70 * 2 ** 20 },
            priority: 2000000000,
        });
    });

    it("Prometheus at berrys-monitoring (100000, the critical services' value); Grafana with no class and no requests", () => {
        assert.equal(pod("prometheus-kube-prometheus-stack-prometheus").priority, 100000);
        assert.deepEqual(pod("kube-prometheus-stack-grafana").requests, { cpu: 0, memory: 0 });
        assert.equal(pod("kube-prometheus-stack-grafana").priority, 0);
    });

    it("metrics-server's requests follow addons.metricsServer.resources", () => {
        const config = stackWith("production", (raw) => {
            raw.addons = {
                ...raw.addons,
                metricsServer: { resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "2Gi" } } },
            };
        });
        assert.deepEqual(addonPodRequests(config).find((candidate) => candidate.name === "metrics-server")?.requests, {
            cpu: 0.25,
            memory: 2 ** 30,
        });
    });
});
