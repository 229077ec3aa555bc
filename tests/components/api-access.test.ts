// Issue 9 item 1: the Kubernetes API must be reachable on the first `pulumi up`, because every
// Kubernetes resource (and pulumi-eks's own readiness wait) goes through the endpoint. Preview
// refuses a configuration no deployer can reach, and the private-access keys open 443 on the
// security group pulumi-eks puts on the control plane.
import { strict as assert } from "assert";
import { apiIngressRules } from "../../components/eks-cluster";
import { checkConfig } from "../../preflight";
import { DOCUMENTATION_RANGES, isDocumentationRange } from "../../schema/platform";
import { fixtureStack } from "../helpers/stacks";
import { resource, runStack } from "../helpers/program";

const EXISTING = {
    mode: "existing",
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
};

function parse(change: (raw: Record<string, any>) => void) {
    const file = fixtureStack("production");
    const raw = structuredClone(file.projectConfig) as Record<string, any>;
    change(raw);
    return checkConfig(raw, file.context);
}

const errorsOf = (result: ReturnType<typeof parse>) => (result.ok ? [] : result.errors);
const warningsOf = (result: ReturnType<typeof parse>) => (result.ok ? result.warnings : []);

describe("API endpoint reachable on the first run (issue 9 item 1)", () => {
    it("refuses a private-only endpoint on a VPC the same run creates, naming the keys and the ways out", () => {
        const errors = errorsOf(
            parse((raw) => {
                raw.cluster.publicAccessCidrs = [];
            }),
        );
        assert.equal(errors.length, 1, errors.join("\n"));
        assert.match(
            errors[0],
            /^berrys-platform:cluster\.publicAccessCidrs \(\[\]\) must list your deployers' CIDRs when berrys-platform:network\.mode is create/,
        );
        for (const way of [
            "berrys-platform:network.mode: existing",
            "berrys-platform:cluster.privateAccessCidrs",
            "berrys-platform:cluster.privateAccessSecurityGroupIds",
        ]) {
            assert.ok(errors[0].includes(way), `the error names ${way}`);
        }
        // Private access CIDRs cannot help: nothing can be inside or peered to a VPC that does not exist yet.
        assert.equal(
            errorsOf(
                parse((raw) => {
                    raw.cluster.publicAccessCidrs = [];
                    raw.cluster.privateAccessCidrs = ["10.0.0.0/8"];
                }),
            ).length,
            1,
        );
    });

    it("with an existing VPC, a private-only endpoint needs deployers given 443 by CIDR or security group", () => {
        const none = errorsOf(
            parse((raw) => {
                raw.cluster.publicAccessCidrs = [];
                raw.network = EXISTING;
            }),
        );
        assert.equal(none.length, 1, none.join("\n"));
        assert.match(
            none[0],
            /^berrys-platform:cluster\.publicAccessCidrs \(\[\]\) must list your deployers' CIDRs when no private access is given: the cluster security group admits 443 from the nodes only\n/,
        );
        for (const access of [
            { privateAccessCidrs: ["10.20.0.0/16"] },
            { privateAccessSecurityGroupIds: ["sg-0123456789abcdef0"] },
        ]) {
            const result = parse((raw) => {
                raw.cluster = { ...raw.cluster, publicAccessCidrs: [], ...access };
                raw.network = EXISTING;
            });
            assert.ok(result.ok, errorsOf(result).join("\n"));
        }
    });

    it("knows RFC 5737's three documentation ranges and the blocks inside them", () => {
        assert.deepEqual([...DOCUMENTATION_RANGES], ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]);
        const cases: [string, boolean][] = [
            ["192.0.2.0/24", true],
            ["192.0.2.128/25", true],
            ["198.51.100.7/32", true],
            ["203.0.113.0/24", true],
            ["192.0.0.0/16", false],
            ["192.0.3.0/24", false],
            ["198.51.101.0/24", false],
            ["100.24.0.0/16", false],
        ];
        for (const [cidr, expected] of cases) {
            assert.equal(isDocumentationRange(cidr), expected, cidr);
        }
    });

    it("the production and staging fixtures parse with a documentation-range placeholder, warned about by key (not an error)", () => {
        for (const [stack, cidr] of [
            ["production", "192.0.2.0/24"],
            ["staging", "198.51.100.0/24"],
        ]) {
            const file = fixtureStack(stack);
            const result = checkConfig(file.projectConfig, file.context);
            assert.ok(result.ok, errorsOf(result).join("\n"));
            assert.deepEqual(result.config.cluster.publicAccessCidrs, [cidr]);
            const placeholders = result.warnings.filter((warning) => warning.includes("RFC 5737"));
            assert.equal(placeholders.length, 1, result.warnings.join("\n"));
            assert.ok(
                placeholders[0].startsWith(
                    `berrys-platform:cluster.publicAccessCidrs.0 (${cidr}) is an RFC 5737 documentation range`,
                ),
            );
            assert.ok(
                placeholders[0].includes(
                    "set berrys-platform:cluster.publicAccessCidrs to your CI runners' and offices' egress CIDRs",
                ),
            );
        }
    });

    it("a real CIDR is not warned about; a placeholder in privateAccessCidrs is, by its own key", () => {
        assert.deepEqual(
            warningsOf(
                parse((raw) => {
                    raw.cluster.publicAccessCidrs = ["100.24.0.0/16"];
                }),
            ).filter((w) => w.includes("RFC 5737")),
            [],
        );
        const privateOnes = warningsOf(
            parse((raw) => {
                raw.cluster.publicAccessCidrs = ["100.24.0.0/16"];
                raw.cluster.privateAccessCidrs = ["10.20.0.0/16", "203.0.113.0/24"];
            }),
        ).filter((w) => w.includes("RFC 5737"));
        assert.equal(privateOnes.length, 1);
        assert.ok(
            privateOnes[0].startsWith(
                "berrys-platform:cluster.privateAccessCidrs.1 (203.0.113.0/24) is an RFC 5737 documentation range",
            ),
        );
    });

    it("refuses access lists that open the endpoint to almost everyone: more than one /8's addresses together (issue 21)", () => {
        const internet = [
            ["0.0.0.0/1", "128.0.0.0/1"],
            ["0.0.0.0/0"],
            ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"],
            ["10.0.0.0/8", "11.0.0.0/24"],
        ];
        for (const key of ["publicAccessCidrs", "privateAccessCidrs"]) {
            for (const cidrs of internet) {
                const errors = errorsOf(
                    parse((raw) => {
                        raw.cluster[key] = cidrs;
                    }),
                );
                assert.equal(errors.length, 1, `${key} ${cidrs}: ${errors.join("\n")}`);
                assert.ok(
                    errors[0].startsWith(`berrys-platform:cluster.${key} (${JSON.stringify(cidrs).slice(0, 57)}`),
                    errors[0],
                );
                assert.match(
                    errors[0].split("\n")[0],
                    / must cover at most 16777216 addresses \(a \/8\), not \d+ \([\d.]+% of IPv4\)$/,
                );
                assert.ok(errors[0].split("\n")[0].length <= 200, errors[0]);
            }
            // Overlaps count once: a /8 listed with blocks inside it is still one /8.
            for (const cidrs of [
                ["10.0.0.0/8"],
                ["10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/9"],
                ["100.24.0.0/16", "172.16.0.0/12"],
            ]) {
                const result = parse((raw) => {
                    raw.cluster[key] = cidrs;
                });
                assert.ok(result.ok, `${key} ${cidrs}: ${errorsOf(result).join("\n")}`);
            }
        }
    });

    it("rejects a malformed security group ID by key", () => {
        const errors = errorsOf(
            parse((raw) => {
                raw.cluster.privateAccessSecurityGroupIds = ["sg-12"];
            }),
        );
        assert.equal(errors.length, 1);
        assert.match(
            errors[0],
            /^berrys-platform:cluster\.privateAccessSecurityGroupIds\.0 \("sg-12"\) must be a security group ID/,
        );
    });

    it("turns each private-access CIDR and security group into one 443 rule, named by its source", () => {
        assert.deepEqual(
            apiIngressRules({
                privateAccessCidrs: ["10.20.0.0/16"],
                privateAccessSecurityGroupIds: ["sg-0123456789abcdef0"],
            }),
            [
                {
                    key: "cidr-10-20-0-0-16",
                    description: "Kubernetes API from 10.20.0.0/16 (cluster.privateAccessCidrs)",
                    cidrBlocks: ["10.20.0.0/16"],
                },
                {
                    key: "sg-0123456789abcdef0",
                    description: "Kubernetes API from sg-0123456789abcdef0 (cluster.privateAccessSecurityGroupIds)",
                    sourceSecurityGroupId: "sg-0123456789abcdef0",
                },
            ],
        );
    });

    it("opens 443 on pulumi-eks's cluster security group, the one on the control plane's network interfaces", async () => {
        // @pulumi/eks v4.3.0, nodejs/eks/cluster/cluster.ts: without skipDefaultSecurityGroups
        // `createCore` creates `<name>-eksClusterSecurityGroup` and gives it to the control plane as
        // vpcConfig.securityGroupIds, so EKS attaches it to the endpoint's network interfaces; it admits
        // only the node security group on 443 (`createCluster` calls nodes/securitygroup.ts
        // `createNodeGroupSecurityGroup`, whose `<name>-eksClusterIngressRule` that is), and the
        // component's `clusterSecurityGroupId` output is that group (`createCluster`'s return).
        const run = await runStack("staging", {
            configOverrides: {
                "berrys-platform:cluster": {
                    publicAccessCidrs: [],
                    privateAccessCidrs: ["10.20.0.0/16"],
                    privateAccessSecurityGroupIds: ["sg-0123456789abcdef0"],
                },
                "berrys-platform:network": EXISTING,
            },
        });
        const cluster = resource(run, "eks:index:Cluster", "berrys-cluster-eks");
        assert.equal(
            cluster.inputs.skipDefaultSecurityGroups,
            undefined,
            "pulumi-eks must create the cluster security group",
        );
        assert.equal(cluster.inputs.endpointPublicAccess, false);
        const rules = run.registered.filter((r) => r.type === "aws:ec2/securityGroupRule:SecurityGroupRule");
        assert.deepEqual(rules.map((r) => r.name).sort(), [
            "berrys-cluster-api-cidr-10-20-0-0-16",
            "berrys-cluster-api-sg-0123456789abcdef0",
        ]);
        for (const rule of rules) {
            assert.equal(rule.inputs.type, "ingress");
            assert.equal(rule.inputs.protocol, "tcp");
            assert.equal(rule.inputs.fromPort, 443);
            assert.equal(rule.inputs.toPort, 443);
            assert.equal(rule.inputs.securityGroupId, "<computed:berrys-cluster-eks.clusterSecurityGroupId>");
        }
    });

    it("the managed node groups reach the API through the EKS cluster security group", async () => {
        // EKS user guide (awsdocs/amazon-eks-user-guide 4d52b4d, latest/ug/nodes/launch-templates.adoc, security groups):
        // "By default, Amazon EKS applies the cluster security group to the instances in your node
        // group ... If you specify custom security groups in the launch template ... Amazon EKS doesn't
        // add the cluster security group." That group (networking/sec-group-reqs.adoc, the cluster security group) is on the
        // control plane's interfaces too and admits all traffic from itself. pulumi-eks v4.3.0 does the
        // same for its own launch templates (nodes/nodegroup.ts `createManagedNodeGroup`, vpcConfig.clusterSecurityGroupId).
        const run = await runStack("production");
        const templates = run.registered.filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate");
        assert.ok(templates.length > 0);
        for (const template of templates) {
            for (const field of ["securityGroupNames", "vpcSecurityGroupIds", "networkInterfaces"]) {
                assert.equal(
                    template.inputs[field],
                    undefined,
                    `${template.name} sets ${field}: EKS would then leave out the cluster security group`,
                );
            }
        }
    });
});
