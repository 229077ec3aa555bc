// Family 3 of issue 22: what EKS, EC2 and IAM refuse, refused at preview. Node group labels as EKS
// CreateNodegroup takes them ("Label cannot contain reserved prefixes [kubernetes.io/, k8s.io/,
// eks.amazonaws.com/]"; keys and values 1-63 characters), EC2 IDs of 8 or 17 hex digits, subnets in
// two zones (EKS CreateCluster) and one access entry per principal (EKS CreateAccessEntry). The
// region's partition is tested beside its check, in tests/components/partition.test.ts.
import { strict as assert } from "assert";
import { checkAwsFacts, checkConfig } from "../../preflight";
import { baseStack, errorLines, RawConfig } from "../helpers/bad-configs";
import { MOCK_CALLER_ARN } from "../../tools/mock-engine";

const labelsKey = "berrys-platform:nodeGroups.default-node-group.labels";
const withLabels = (labels: Record<string, string>) => (raw: RawConfig) => {
    raw.nodeGroups["default-node-group"].labels = labels;
};
const EXISTING = {
    mode: "existing",
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
};

describe("EKS, EC2 and IAM rules (issue 22, family 3)", () => {
    it("node group labels: no key containing kubernetes.io/, k8s.io/ or eks.amazonaws.com/, even under a subdomain", () => {
        for (const key of [
            "kubernetes.io/role",
            "node-role.kubernetes.io/worker",
            "k8s.io/x",
            "eks.amazonaws.com/nodegroup",
        ]) {
            const errors = errorLines(withLabels({ [key]: "x" }));
            assert.equal(errors.length, 1, key);
            assert.match(
                errors[0],
                /must not contain (kubernetes\.io|k8s\.io|eks\.amazonaws\.com)\/: EKS refuses its reserved prefixes$/,
            );
        }
        assert.deepEqual(errorLines(withLabels({ "node.example.com/role": "worker", team: "payments" })), []);
    });

    it("node group labels: no empty value (Kubernetes allows one, EKS does not), keys at most 63 characters with their prefix", () => {
        assert.deepEqual(errorLines(withLabels({ role: "" })), [
            `${labelsKey}.role ("") must not be empty: EKS CreateNodegroup refuses an empty label value`,
        ]);
        assert.match(
            errorLines(withLabels({ [`example.com/${"k".repeat(52)}`]: "x" }))[0],
            /must be at most 63 characters with its prefix \(EKS CreateNodegroup\), has 64/,
        );
        assert.match(errorLines(withLabels({ role: "v".repeat(64) }))[0], /must be at most 63 characters/);
    });

    it("VPC and subnet IDs: the prefix and 8 or 17 hex digits", () => {
        const ids = (vpcId: string, subnets: string[]) => (raw: RawConfig) => {
            raw.network = { ...EXISTING, vpcId, privateSubnetIds: subnets };
            raw.cluster.publicAccessCidrs = ["192.0.2.0/24"];
        };
        assert.deepEqual(errorLines(ids("vpc-01234567", ["subnet-01234567", "subnet-0123456789abcdef0"])), []);
        assert.deepEqual(
            errorLines(ids("vpc-012345678", ["subnet-01234567", "subnet-0123456789abcdef"])).map(
                (error) => error.split(" (")[0],
            ),
            ["berrys-platform:network.vpcId", "berrys-platform:network.privateSubnetIds.1"],
        );
        assert.match(
            errorLines(ids("vpc-01234567", ["subnet-01234567", "subnet-01234567"]))[0],
            /must not list a subnet twice/,
        );
    });

    it("existing subnets must span two zones, as AWS reports them (EKS CreateCluster)", () => {
        const { raw, context } = baseStack();
        raw.network = EXISTING;
        const config = checkConfig(raw, context);
        assert.ok(config.ok, config.ok ? "" : config.errors.join("\n"));
        if (!config.ok) return;
        const [a, b] = EXISTING.privateSubnetIds;
        const one = checkAwsFacts(config.config, {
            callerArn: MOCK_CALLER_ARN,
            subnetZones: { [a]: "us-east-1a", [b]: "us-east-1a" },
        });
        assert.ok(
            !one.ok &&
                /^berrys-platform:network\.privateSubnetIds .* must span at least two availability zones: all are in us-east-1a/.test(
                    one.errors[0],
                ),
            one.ok ? "accepted" : one.errors.join("\n"),
        );
        assert.ok(
            checkAwsFacts(config.config, {
                callerArn: MOCK_CALLER_ARN,
                subnetZones: { [a]: "us-east-1a", [b]: "us-east-1b" },
            }).ok,
        );
    });

    it("a principal in one access entry only: an admin role listed twice, in any case, is refused", () => {
        const role = "arn:aws:iam::123456789012:role/platform-admin";
        const errors = errorLines((raw) => {
            raw.cluster.adminRoleArns = [role, role.replace("platform-admin", "Platform-Admin")];
        });
        assert.equal(errors.length, 1);
        assert.match(
            errors[0],
            /^berrys-platform:cluster\.adminRoleArns \(.*\) must not list a role twice: EKS allows one access entry per principal$/,
        );
    });
});
