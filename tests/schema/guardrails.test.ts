// schema/guardrails.ts: the capacity checks' settings. Their defaults are upstream's (what EKS's
// DaemonSets request per node, what PostgreSQL reserves), and a setting the checks could not use
// is refused at preview with its key.
import { strict as assert } from "assert";
import { errorLines } from "../helpers/bad-configs";
import { stackConfig } from "../helpers/stacks";

/** The first line of each error for production with `guardrails` set to `guardrails`. */
const errorsWithGuardrails = (guardrails: Record<string, unknown>) =>
    errorLines((raw) => {
        raw.guardrails = guardrails;
    });

describe("schema/guardrails", () => {
    it("defaults: the DaemonSets' requests per node and PostgreSQL's reserved connections, as upstream sets them", () => {
        // aws-node 25m (amazon-vpc-cni-k8s chart), kube-proxy 100m (the EKS add-on's manifest), and
        // ebs-csi-node's 3 containers at 10m and 40Mi each (aws-ebs-csi-driver chart `node.resources`);
        // eks-pod-identity-agent and node-exporter request nothing.
        const { guardrails } = stackConfig("minimal");
        assert.deepEqual(guardrails.daemonSetRequestsPerNode, { cpu: `${25 + 100 + 3 * 10}m`, memory: `${3 * 40}Mi` });
        assert.equal(guardrails.warningsAsErrors, false);
        assert.deepEqual(guardrails.instanceTypes, {});
    });

    it("reservedConnections leaves at least one connection for the services; by default PostgreSQL's 3 (superuser_reserved_connections)", () => {
        assert.deepEqual(errorsWithGuardrails({ database: { maxConnections: 10, reservedConnections: 10 } }), [
            "berrys-platform:guardrails.database.reservedConnections (10) must be < maxConnections (10): otherwise no connection is left for the services",
        ]);
        assert.match(
            errorsWithGuardrails({ database: { maxConnections: 3 } })[0],
            /^berrys-platform:guardrails\.database\.reservedConnections must be < maxConnections \(3\)/,
        );
        assert.deepEqual(errorsWithGuardrails({ database: { maxConnections: 4 } }), []);
    });

    it("instanceTypes: keyed by an EC2 instance type name, each with its vcpu, memoryMiB and maxPods", () => {
        const entry = { vcpu: 4, memoryMiB: 16384, maxPods: 58 };
        assert.deepEqual(errorsWithGuardrails({ instanceTypes: { "m6i.xlarge": entry } }), []);
        assert.match(
            errorsWithGuardrails({ instanceTypes: { M6I_XLARGE: entry } })[0],
            /^berrys-platform:guardrails\.instanceTypes\.M6I_XLARGE .*must be an EC2 instance type such as m6i\.xlarge/,
        );
        assert.match(
            errorsWithGuardrails({ instanceTypes: { "m6i.xlarge": { vcpu: 4, memoryMiB: 16384 } } })[0],
            /^berrys-platform:guardrails\.instanceTypes\.m6i\.xlarge\.maxPods is required/,
        );
    });
});
