// Issue 9, bad input: a role in cluster.adminRoleArns that is the deployer's own. pulumi-eks creates
// the cluster with accessConfig.bootstrapClusterCreatorAdminPermissions: true (@pulumi/eks v4.3.0,
// nodejs/eks/cluster/cluster.ts 733-741), so EKS makes an access entry for the creator itself; the
// program's entry for the same principal then fails with ResourceInUseException, after the cluster.
import { strict as assert } from "assert";
import { callerRole, deployerRoleErrors } from "../components/eks-cluster";
import { nodeGroupNameCheck } from "../components/node-group";
import { fixtureStack, stackConfig } from "./helpers/stacks";
import { MOCK_CALLER_ARN, ProgramFailed } from "../tools/mock-engine";
import { runStack } from "./helpers/program";

const CALLER = "arn:aws:sts::123456789012:assumed-role/ci-deployer/github-actions-1234";

describe("the deployer's own role in cluster.adminRoleArns", () => {
    it("reads the role behind an assumed-role ARN; a user has none", () => {
        assert.deepEqual(callerRole(CALLER), { partition: "aws", accountId: "123456789012", roleName: "ci-deployer" });
        assert.deepEqual(callerRole("arn:aws-us-gov:sts::123456789012:assumed-role/ci/s"), { partition: "aws-us-gov", accountId: "123456789012", roleName: "ci" });
        assert.equal(callerRole("arn:aws:iam::123456789012:user/alice"), undefined);
    });

    it("names the entry that is the caller's role, with or without a path; other roles and accounts pass", () => {
        const arns = [
            "arn:aws:iam::123456789012:role/platform-admins",
            "arn:aws:iam::123456789012:role/ci-deployer",
            "arn:aws:iam::123456789012:role/teams/ci-deployer",
            "arn:aws:iam::210987654321:role/ci-deployer",
        ];
        const errors = deployerRoleErrors(arns, CALLER);
        assert.deepEqual(errors.map((error) => error.split(" must ")[0]), [
            "berrys-platform:cluster.adminRoleArns.1 (arn:aws:iam::123456789012:role/ci-deployer)",
            "berrys-platform:cluster.adminRoleArns.2 (arn:aws:iam::123456789012:role/teams/ci-deployer)",
        ]);
        assert.match(errors[0], /must not be the role running this deployment \(arn:aws:sts::123456789012:assumed-role\/ci-deployer\/github-actions-1234\).*ResourceInUseException; remove it from the list$/);
        assert.deepEqual(deployerRoleErrors(arns, "arn:aws:iam::123456789012:user/alice"), []);
    });

    it("stops preview before any resource when the stack lists the deployer's role (the mock's caller)", async () => {
        assert.equal(MOCK_CALLER_ARN, "arn:aws:sts::123456789012:assumed-role/berrys-deployer/pulumi");
        const cluster = { ...(fixtureStack("staging").projectConfig.cluster as object), adminRoleArns: ["arn:aws:iam::123456789012:role/berrys-deployer"] };
        await assert.rejects(runStack("staging", { configOverrides: { "berrys-platform:cluster": cluster } }), (failure: unknown) => {
            assert.ok(failure instanceof ProgramFailed);
            assert.match(failure.message, /berrys-platform:cluster\.adminRoleArns\.0 \(arn:aws:iam::123456789012:role\/berrys-deployer\) must not be the role running this deployment/);
            assert.equal(failure.registered.length, 0);
            return true;
        });
    });
});

describe("node group keys that make names AWS refuses once suffixes are added", () => {
    // EKS CreateNodegroup: nodegroupName up to 63 characters; the AWS provider appends 26 to
    // nodeGroupNamePrefix (terraform-plugin-sdk helper/id PrefixedUniqueId: 18-digit timestamp + 8 hex,
    // as components/node-group.ts generatedNodeGroupName reads it). IAM CreateRole: RoleName up to 64;
    // Pulumi auto-names `berrys-<group>-role` with "-" and 7 random hex characters.
    it("accepts a 36-character key and refuses a 37-character one, by key, with both limits", () => {
        const key = (length: number) => "g".repeat(length);
        const check = (group: string) => nodeGroupNameCheck({ ...stackConfig("staging"), nodeGroups: { [group]: stackConfig("staging").nodeGroups["default-node-group"] } });
        assert.deepEqual(check(key(36)).errors, []);
        const errors = check(key(37)).errors;
        assert.equal(errors.length, 1);
        assert.match(errors[0], /^berrys-platform:nodeGroups\.g{37} \(37 characters\) must be at most 36 characters: the names EKS and IAM derive would be 64 \(of 63\) and 57 \(of 64\)\nuse a shorter key: EKS adds 26 characters to "g{37}-", Pulumi 8 to "berrys-g{37}-role"$/);
    });
});
