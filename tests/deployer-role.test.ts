// cluster.adminRoleArns and EKS's bootstrap access entry. pulumi-eks v4.3.0 `createCore`
// (nodejs/eks/cluster/cluster.ts) creates the cluster with accessConfig.bootstrapClusterCreatorAdminPermissions:
// true, so EKS makes an access entry for the creator itself "during cluster creation time" (EKS API,
// AccessConfigResponse); the program's entry for the same principal then fails with
// ResourceInUseException. Only that principal is refused: before the cluster exists it is the deployer,
// afterwards whoever holds the bootstrap entry, so a second admin role or a rotated CI role may deploy.
import { strict as assert } from "assert";
import {
    ADMIN_ENTRY_TAG,
    bootstrapAdminErrors,
    callerRole,
    isBootstrapEntry,
    LiveCluster,
} from "../components/eks-cluster";
import { nodeGroupNameCheck } from "../components/node-group";
import { stackConfig } from "./helpers/stacks";
import { MOCK_CALLER_ARN, ProgramFailed } from "../tools/mock-engine";
import { readStackFile } from "../tools/stack-files";
import { resource, runStack } from "./helpers/program";

const CALLER = "arn:aws:sts::123456789012:assumed-role/ci-deployer/github-actions-1234";
const CI_ROLE = "arn:aws:iam::123456789012:role/ci-deployer";
const CREATED = "2026-06-01T09:00:00Z";

/** A live cluster created at CREATED whose listed admins have these entries. */
const liveCluster = (adminEntries: LiveCluster["adminEntries"]): LiveCluster => ({
    createdAt: CREATED,
    version: "1.34",
    supportType: "EXTENDED",
    adminEntries,
});

describe("EKS's bootstrap access entry and cluster.adminRoleArns", () => {
    it("reads the role behind an assumed-role ARN; a user has none", () => {
        assert.deepEqual(callerRole(CALLER), { partition: "aws", accountId: "123456789012", roleName: "ci-deployer" });
        assert.deepEqual(callerRole("arn:aws-us-gov:sts::123456789012:assumed-role/ci/s"), {
            partition: "aws-us-gov",
            accountId: "123456789012",
            roleName: "ci",
        });
        assert.equal(callerRole("arn:aws:iam::123456789012:user/alice"), undefined);
    });

    it("before the cluster exists: refuses the deployer's role (it will create the cluster), with or without a path", () => {
        const arns = [
            "arn:aws:iam::123456789012:role/platform-admins",
            CI_ROLE,
            "arn:aws:iam::123456789012:role/teams/ci-deployer",
            "arn:aws:iam::210987654321:role/ci-deployer",
        ];
        const errors = bootstrapAdminErrors(arns, CALLER, undefined);
        assert.deepEqual(
            errors.map((error) => error.split(" must ")[0]),
            [
                "berrys-platform:cluster.adminRoleArns.1 (arn:aws:iam::123456789012:role/ci-deployer)",
                "berrys-platform:cluster.adminRoleArns.2 (arn:aws:iam::123456789012:role/teams/ci-deployer)",
            ],
        );
        assert.match(
            errors[0],
            /must not be the role creating the cluster \(arn:aws:sts::123456789012:assumed-role\/ci-deployer\/github-actions-1234\)\n.*remove it from the list$/,
        );
        assert.deepEqual(bootstrapAdminErrors(arns, "arn:aws:iam::123456789012:user/alice", undefined), []);
    });

    it("on a live cluster: a listed deployer without the bootstrap entry may deploy (a second admin, a rotated CI role)", () => {
        // Its entry is this stack's (tagged), or it has none yet: either way nothing collides.
        assert.deepEqual(bootstrapAdminErrors([CI_ROLE], CALLER, liveCluster({})), []);
        assert.deepEqual(
            bootstrapAdminErrors(
                [CI_ROLE],
                CALLER,
                liveCluster({
                    [CI_ROLE]: {
                        createdAt: "2026-06-01T09:00:30Z",
                        tags: { [ADMIN_ENTRY_TAG]: "cluster.adminRoleArns" },
                    },
                }),
            ),
            [],
        );
    });

    it("on a live cluster: refuses only the untagged entry made with the cluster, whoever deploys", () => {
        const bootstrap = "arn:aws:iam::123456789012:role/old-ci";
        const errors = bootstrapAdminErrors(
            [CI_ROLE, bootstrap],
            CALLER,
            liveCluster({ [bootstrap]: { createdAt: "2026-06-01T09:00:02Z", tags: {} } }),
        );
        assert.equal(errors.length, 1);
        assert.match(
            errors[0],
            /^berrys-platform:cluster\.adminRoleArns\.1 \(arn:aws:iam::123456789012:role\/old-ci\) must not list the holder of EKS's bootstrap access entry \(made with the cluster at 2026-06-01T09:00:02Z\)\n/,
        );
        assert.ok(errors[0].split("\n")[0].length <= 200);
    });

    it("tells the bootstrap entry by its tag first, then by its creation time against the cluster's", () => {
        assert.equal(isBootstrapEntry({ createdAt: "2026-06-01T09:00:02Z", tags: {} }, CREATED), true);
        assert.equal(
            isBootstrapEntry(
                { createdAt: "2026-06-01T09:00:02Z", tags: { [ADMIN_ENTRY_TAG]: "cluster.adminRoleArns" } },
                CREATED,
            ),
            false,
        );
        // An untagged entry made once the cluster was ACTIVE: this stack's from before it tagged them.
        assert.equal(isBootstrapEntry({ createdAt: "2026-06-01T09:12:40Z", tags: {} }, CREATED), false);
    });

    it("stops preview before any resource when the stack lists the deployer's role and no cluster exists yet (the mock's caller)", async () => {
        assert.equal(MOCK_CALLER_ARN, "arn:aws:sts::123456789012:assumed-role/berrys-deployer/pulumi");
        const cluster = {
            ...(readStackFile("staging").projectConfig.cluster as object),
            adminRoleArns: ["arn:aws:iam::123456789012:role/berrys-deployer"],
        };
        await assert.rejects(
            runStack("staging", { configOverrides: { "berrys-platform:cluster": cluster } }),
            (failure: unknown) => {
                assert.ok(failure instanceof ProgramFailed);
                assert.match(
                    failure.message,
                    /berrys-platform:cluster\.adminRoleArns\.0 \(arn:aws:iam::123456789012:role\/berrys-deployer\) must not be the role creating the cluster/,
                );
                assert.equal(failure.registered.length, 0);
                return true;
            },
        );
    });

    it("deploys a live cluster whose listed deployer holds this stack's tagged entry, and tags every admin entry", async () => {
        const deployer = "arn:aws:iam::123456789012:role/berrys-deployer";
        const cluster = { ...(readStackFile("staging").projectConfig.cluster as object), adminRoleArns: [deployer] };
        const run = await runStack("staging", {
            configOverrides: { "berrys-platform:cluster": cluster },
            callOverrides: (token, inputs) => {
                if (token === "aws:eks/getCluster:getCluster") {
                    return {
                        name: inputs.name,
                        createdAt: CREATED,
                        version: "1.34",
                        upgradePolicies: [{ supportType: "EXTENDED" }],
                    };
                }
                if (token === "aws:eks/getAccessEntry:getAccessEntry") {
                    return {
                        principalArn: inputs.principalArn,
                        createdAt: "2026-06-01T09:14:00Z",
                        tags: { [ADMIN_ENTRY_TAG]: "cluster.adminRoleArns" },
                    };
                }
                return undefined;
            },
        });
        const entries = resource(run, "eks:index:Cluster", "berrys-cluster-eks").inputs.accessEntries;
        assert.equal(entries["admin-0"].principalArn, deployer);
        assert.equal(entries["admin-0"].tags[ADMIN_ENTRY_TAG], "cluster.adminRoleArns");
    });
});

describe("node group keys that make names AWS refuses once suffixes are added", () => {
    // EKS CreateNodegroup: nodegroupName up to 63 characters; the AWS provider appends 26 to
    // nodeGroupNamePrefix (terraform-plugin-sdk helper/id PrefixedUniqueId: 18-digit timestamp + 8 hex,
    // as components/node-group.ts generatedNodeGroupName reads it). IAM CreateRole: RoleName up to 64;
    // Pulumi auto-names `berrys-<group>-role` with "-" and 7 random hex characters.
    it("accepts a 36-character key and refuses a 37-character one, by key, with both limits", () => {
        const key = (length: number) => "g".repeat(length);
        const check = (group: string) =>
            nodeGroupNameCheck({
                ...stackConfig("staging"),
                nodeGroups: { [group]: stackConfig("staging").nodeGroups["default-node-group"] },
            });
        assert.deepEqual(check(key(36)).errors, []);
        const errors = check(key(37)).errors;
        assert.equal(errors.length, 1);
        assert.match(
            errors[0],
            /^berrys-platform:nodeGroups\.g{37} \(37 characters\) must be at most 36 characters: the names EKS and IAM derive would be 64 \(of 63\) and 57 \(of 64\)\nuse a shorter key: EKS adds 26 characters to "g{37}-", Pulumi 8 to "berrys-g{37}-role"$/,
        );
    });
});
