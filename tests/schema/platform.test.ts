// schema/platform.ts: the cluster, network, namespace and node group keys. What EC2, EKS or the API
// server would refuse later is refused at preview, naming the key: node group sizes, the public
// endpoint's reach, the VPC block, CIDRs with host bits set, and the admission binding's actions.
import { strict as assert } from "assert";
import { checkConfig } from "../../preflight";
import { assertRejected, errorsOf, productionRaw } from "../helpers/bad-configs";

describe("schema/platform: settings AWS or Kubernetes would refuse, rejected with the key, the value and the rule", () => {
    it("node group minSize above maxSize, and desiredSize outside them", () => {
        const raw = productionRaw();
        raw.nodeGroups["default-node-group"].minSize = 11;
        assertRejected(errorsOf(raw), "nodeGroups.default-node-group.minSize", /\(11\) must be <= maxSize \(10\)/);
        const desired = productionRaw();
        desired.nodeGroups["default-node-group"].desiredSize = 2;
        assertRejected(
            errorsOf(desired),
            "nodeGroups.default-node-group.desiredSize",
            /must be between minSize \(3\) and maxSize \(10\)/,
        );
    });

    it("a public endpoint open to 0.0.0.0/0", () => {
        const raw = productionRaw();
        raw.cluster.publicAccessCidrs = ["203.0.113.0/24", "0.0.0.0/0"];
        assertRejected(
            errorsOf(raw),
            "cluster.publicAccessCidrs",
            /must cover at most 16777216 addresses \(a \/8\), not 4294967296 \(100% of IPv4\)\nthat opens the API endpoint to almost everyone/,
        );
    });

    it("a VPC block too large for AWS or too small for pod IPs", () => {
        for (const cidrBlock of ["10.0.0.0/8", "10.0.0.0/24"]) {
            const raw = productionRaw();
            raw.network.cidrBlock = cidrBlock;
            assertRejected(errorsOf(raw), "network.cidrBlock", /must be a \/16 to \/22 block/);
        }
    });

    it("a CIDR with host bits set, which EC2 refuses (CreateVpc, subnets and security group rules take network addresses)", () => {
        const vpc = productionRaw();
        vpc.network.cidrBlock = "10.40.0.1/16";
        assertRejected(
            errorsOf(vpc),
            "network.cidrBlock",
            /\("10\.40\.0\.1\/16"\) must not have host bits set: AWS refuses it; the network is 10\.40\.0\.0\/16/,
        );
        const access = productionRaw();
        access.cluster.publicAccessCidrs = ["198.51.100.7/24"];
        access.cluster.privateAccessCidrs = ["10.20.1.0/16"];
        const errors = errorsOf(access);
        assertRejected(errors, "cluster.publicAccessCidrs.0", /the network is 198\.51\.100\.0\/24/);
        assertRejected(errors, "cluster.privateAccessCidrs.0", /the network is 10\.20\.0\.0\/16/);
    });
});

describe("schema/platform: namespace.admission (the services contract at admission)", () => {
    const parsed = (admission: unknown) => {
        const raw = productionRaw();
        raw.namespace.admission = admission;
        return checkConfig(raw, { stack: "production", region: "us-east-1" });
    };

    it("defaults to enabled with validationActions [Deny] when the key is left out", () => {
        const raw = productionRaw();
        delete raw.namespace.admission;
        const result = checkConfig(raw, { stack: "production", region: "us-east-1" });
        assert.ok(result.ok);
        assert.deepEqual(result.config.namespace.admission, { enabled: true, validationActions: ["Deny"] });
    });

    it("takes each combination the API server allows: Deny, Warn, Audit, Deny+Audit, Warn+Audit", () => {
        for (const actions of [
            ["Deny"],
            ["Warn"],
            ["Audit"],
            ["Deny", "Audit"],
            ["Warn", "Audit"],
            ["Audit", "Warn"],
        ]) {
            const result = parsed({ validationActions: actions });
            assert.ok(result.ok, result.ok ? "" : result.errors.join("\n"));
            assert.deepEqual(result.config.namespace.admission.validationActions, actions);
        }
    });

    // k8s.io/api admissionregistration/v1 `ValidatingAdmissionPolicyBindingSpec.ValidationActions` (v0.34.10): "Deny" and "Warn" may not
    // be used together; validateValidationActions also rejects duplicates and an empty list.
    it("rejects Deny with Warn, as the API server would reject the binding", () => {
        assertRejected(
            errorsOf({
                ...productionRaw(),
                namespace: { ...productionRaw().namespace, admission: { validationActions: ["Deny", "Warn"] } },
            }),
            "namespace.admission.validationActions",
            /\["Deny","Warn"\]\) must not contain both Deny and Warn: the API server rejects the binding\n.*\[Deny, Audit\]/,
        );
    });

    it("rejects a repeated action, an empty list and an unknown action", () => {
        const raw = (admission: unknown) => ({
            ...productionRaw(),
            namespace: { ...productionRaw().namespace, admission },
        });
        assertRejected(
            errorsOf(raw({ validationActions: ["Audit", "Audit"] })),
            "namespace.admission.validationActions",
            /must not repeat an action/,
        );
        assertRejected(
            errorsOf(raw({ validationActions: [] })),
            "namespace.admission.validationActions",
            /must list at least one action .*admission\.enabled: false/,
        );
        assertRejected(
            errorsOf(raw({ validationActions: ["Block"] })),
            "namespace.admission.validationActions.0",
            /\("Block"\) must be one of Deny, Warn, Audit/,
        );
        assertRejected(errorsOf(raw({ enabled: "yes" })), "namespace.admission.enabled", /must be/);
    });
});
