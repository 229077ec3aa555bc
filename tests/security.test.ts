// Security by default, checked on everything both stacks declare: IAM documents, managed
// policies, instance metadata, the API endpoint, secrets encryption, secret outputs, Pod Security.
import { strict as assert } from "assert";
import { MANAGED_POLICIES, PolicyDocument, PolicyStatement } from "../components/pod-identity-role";
import { NODE_ROLE_POLICIES } from "../components/node-group";
import { MOCK_ACCOUNT_ID, MockRun, RegisteredResource } from "../tools/mock-engine";
import { kubernetesObject, resource, runStack } from "./helpers/program";
import { stackConfig } from "./helpers/stacks";

/** Read-only AWS actions by their verb; anything else changes something. */
const READ_ONLY = /^[a-z0-9-]+:(Describe|Get|List)[A-Za-z]*$/;

/** The IAM documents a resource carries (trust and permission policies), parsed. */
function policyDocuments(resource: RegisteredResource): { where: string; document: PolicyDocument }[] {
    const fields = ["assumeRolePolicy", "policy", "inlinePolicies"];
    const documents: { where: string; document: PolicyDocument }[] = [];
    for (const field of fields) {
        const value = resource.inputs[field];
        if (typeof value === "string" && value.includes("Statement")) {
            documents.push({ where: `${resource.type} ${resource.name}.${field}`, document: JSON.parse(value) });
        }
    }
    return documents;
}

const asList = (value: string | readonly string[] | undefined) =>
    value === undefined ? [] : typeof value === "string" ? [value] : [...value];

/** Problems with one statement: wildcard actions, or a mutating action on * without a condition. */
export function statementProblems(statement: PolicyStatement): string[] {
    if (statement.Effect !== "Allow") {
        return [];
    }
    const problems: string[] = [];
    const actions = asList(statement.Action);
    const resources = asList(statement.Resource);
    for (const action of actions) {
        if (action === "*" || action.endsWith(":*")) {
            problems.push(`wildcard action ${action}`);
        } else if (
            !READ_ONLY.test(action) &&
            !action.startsWith("sts:") &&
            resources.includes("*") &&
            statement.Condition === undefined
        ) {
            problems.push(`mutating action ${action} on * without a condition`);
        }
    }
    return problems;
}

describe("security by default", function () {
    const runs: Record<string, MockRun> = {};
    before(async () => {
        runs.production = await runStack("production");
        runs.staging = await runStack("staging");
    });

    it("the IAM check can fail: a wildcard and an unconditioned mutating action are caught", () => {
        assert.deepEqual(statementProblems({ Effect: "Allow", Action: "ec2:*", Resource: "*" }), [
            "wildcard action ec2:*",
        ]);
        assert.deepEqual(
            statementProblems({ Effect: "Allow", Action: ["autoscaling:SetDesiredCapacity"], Resource: "*" }),
            ["mutating action autoscaling:SetDesiredCapacity on * without a condition"],
        );
        assert.deepEqual(
            statementProblems({ Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingGroups"], Resource: "*" }),
            [],
        );
    });

    for (const stack of ["production", "staging"]) {
        it(`${stack}: no IAM document grants a wildcard or a mutating action on * without a condition`, () => {
            const documents = runs[stack].registered.flatMap(policyDocuments);
            assert.ok(documents.length >= 2, "expected at least the node role's and the CNI role's trust policies");
            const problems = documents.flatMap(({ where, document }) =>
                document.Statement.flatMap(statementProblems).map((problem) => `${where}: ${problem}`),
            );
            assert.deepEqual(problems, []);
        });

        it(`${stack}: every AWS-managed policy attached is on the reviewed list, and nodes lack the CNI policy`, () => {
            const allowed = new Set(Object.values(MANAGED_POLICIES).map((policy) => policy.arn));
            const attachments = runs[stack].registered.filter(
                (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            );
            assert.ok(attachments.length > 0);
            for (const attachment of attachments) {
                assert.ok(
                    allowed.has(attachment.inputs.policyArn),
                    `${attachment.name} attaches ${attachment.inputs.policyArn}`,
                );
            }
            const nodePolicies = attachments
                .filter((a) => a.name.startsWith("berrys-default-node-group-"))
                .map((a) => a.inputs.policyArn)
                .sort();
            assert.deepEqual(nodePolicies, NODE_ROLE_POLICIES.map((name) => MANAGED_POLICIES[name].arn).sort());
            assert.ok(!nodePolicies.includes(MANAGED_POLICIES.AmazonEKS_CNI_Policy.arn));
            const cni = resource(
                runs[stack],
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "berrys-cluster-vpc-cni-AmazonEKS_CNI_Policy",
            );
            assert.equal(cni.inputs.policyArn, MANAGED_POLICIES.AmazonEKS_CNI_Policy.arn);
        });

        it(`${stack}: Pod Identity roles trust only their own service account in their own cluster`, () => {
            const association = resource(
                runs[stack],
                "aws:eks/podIdentityAssociation:PodIdentityAssociation",
                "berrys-cluster-vpc-cni-association",
            );
            assert.equal(association.inputs.namespace, "kube-system");
            assert.equal(association.inputs.serviceAccount, "aws-node");
            const trust: PolicyDocument = JSON.parse(
                resource(runs[stack], "aws:iam/role:Role", "berrys-cluster-vpc-cni-role").inputs.assumeRolePolicy,
            );
            assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
            // The account and region come from the provider (the mock's caller is in 123456789012).
            assert.deepEqual(trust.Statement[0].Condition, {
                StringEquals: {
                    "aws:SourceAccount": MOCK_ACCOUNT_ID,
                    "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:us-east-1:${MOCK_ACCOUNT_ID}:cluster/berrys-${stack}`,
                    "aws:RequestTag/eks-cluster-name": `berrys-${stack}`,
                    "aws:RequestTag/kubernetes-namespace": "kube-system",
                    "aws:RequestTag/kubernetes-service-account": "aws-node",
                },
            });
        });

        it(`${stack}: every Pod Identity role pins the account and the cluster (confused deputy: names repeat across accounts)`, () => {
            const roles = runs[stack].registered.filter(
                (r) => r.type === "aws:iam/role:Role" && r.inputs.assumeRolePolicy.includes("pods.eks.amazonaws.com"),
            );
            assert.ok(roles.length >= 3, roles.map((r) => r.name).join(", "));
            for (const role of roles) {
                const condition = (JSON.parse(role.inputs.assumeRolePolicy) as PolicyDocument).Statement[0].Condition!;
                assert.equal(condition.StringEquals["aws:SourceAccount"], MOCK_ACCOUNT_ID, role.name);
                assert.equal(
                    condition.StringEquals["aws:RequestTag/eks-cluster-arn"],
                    `arn:aws:eks:us-east-1:${MOCK_ACCOUNT_ID}:cluster/berrys-${stack}`,
                    role.name,
                );
                // aws:SourceArn is opt-in (cluster.podIdentitySourceArnCondition), off in both stacks.
                assert.equal(condition.ArnLike, undefined, role.name);
            }
        });

        it(`${stack}: nodes require IMDSv2 with a hop limit of 1 and encrypt their volumes`, () => {
            const template = resource(
                runs[stack],
                "aws:ec2/launchTemplate:LaunchTemplate",
                "berrys-default-node-group-lt",
            );
            assert.equal(template.inputs.metadataOptions.httpTokens, "required");
            assert.equal(template.inputs.metadataOptions.httpPutResponseHopLimit, 1);
            assert.equal(template.inputs.blockDeviceMappings[0].ebs.encrypted, "true");
            const group = resource(runs[stack], "eks:index:ManagedNodeGroup", "berrys-default-node-group-mng");
            assert.equal(group.inputs.launchTemplate.id, template.id);
        });

        it(`${stack}: Kubernetes secrets are encrypted with a rotating KMS key`, () => {
            const key = resource(runs[stack], "aws:kms/key:Key", "berrys-cluster-secrets");
            assert.equal(key.inputs.enableKeyRotation, true);
            const cluster = resource(runs[stack], "eks:index:Cluster", "berrys-cluster-eks");
            assert.equal(cluster.inputs.encryptionConfigKeyArn, key.state.arn);
        });

        it(`${stack}: every kubeconfig or credential output is secret`, () => {
            const sensitive = Object.keys(runs[stack].outputs).filter((name) =>
                /kubeconfig|credential|token|secret|password/i.test(name),
            );
            assert.ok(sensitive.includes("kubeconfig"));
            for (const name of sensitive) {
                assert.ok(runs[stack].secretOutputs.includes(name), `${name} is not secret`);
            }
        });

        it(`${stack}: the namespace enforces a Pod Security level and warns at restricted`, () => {
            const labels = kubernetesObject(runs[stack], "Namespace", `berrys-${stack}`).metadata.labels;
            assert.ok(["baseline", "restricted"].includes(labels["pod-security.kubernetes.io/enforce"]));
            assert.equal(labels["pod-security.kubernetes.io/warn"], "restricted");
        });
    }

    for (const stack of ["production", "staging"]) {
        it(`${stack}: the API endpoint is open only to the stack's listed CIDRs (a placeholder until set), never 0.0.0.0/0`, () => {
            const cluster = resource(runs[stack], "eks:index:Cluster", "berrys-cluster-eks");
            assert.equal(cluster.inputs.endpointPrivateAccess, true);
            assert.equal(cluster.inputs.endpointPublicAccess, true);
            assert.deepEqual(cluster.inputs.publicAccessCidrs, stackConfig(stack).cluster.publicAccessCidrs);
            assert.ok(!cluster.inputs.publicAccessCidrs.some((cidr: string) => cidr.endsWith("/0")));
        });
    }

    it("a public endpoint is only ever open to the listed CIDRs", async () => {
        const run = await runStack("staging", {
            configOverrides: { "berrys-platform:cluster": { version: "1.34", publicAccessCidrs: ["203.0.113.0/24"] } },
        });
        const cluster = resource(run, "eks:index:Cluster", "berrys-cluster-eks");
        assert.equal(cluster.inputs.endpointPublicAccess, true);
        assert.deepEqual(cluster.inputs.publicAccessCidrs, ["203.0.113.0/24"]);
        assert.equal(cluster.inputs.endpointPrivateAccess, true);
    });
});
