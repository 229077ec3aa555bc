// The pure builders of the infrastructure components, as tables.
import { strict as assert } from "assert";
import { adminAccessEntries, CLUSTER_ADMIN_POLICY_ARN, endpointAccess } from "../../components/eks-cluster";
import { limitRangeSpec, podSecurityLabels, quotaName } from "../../components/namespace-guardrails";
import { planSubnets } from "../../components/network";
import { METADATA_OPTIONS, rootVolume } from "../../components/node-group";
import { clusterArn, podIdentityTrustPolicy } from "../../components/pod-identity-role";
import { MONITORING_PRIORITY_CLASS, PRIORITY_CLASSES } from "../../components/priority-classes";
import { stackConfig } from "../helpers/stacks";

describe("infrastructure spec builders", () => {
    it("splits a VPC block into one large private subnet per zone and small public ones at its end", () => {
        const cases: [string, number, string[], string[]][] = [
            [
                "10.40.0.0/16",
                3,
                ["10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19"],
                ["10.40.224.0/22", "10.40.228.0/22", "10.40.232.0/22"],
            ],
            ["10.0.0.0/16", 2, ["10.0.0.0/19", "10.0.32.0/19"], ["10.0.224.0/22", "10.0.228.0/22"]],
            [
                "172.16.0.0/20",
                6,
                ["172.16.0.0/23", "172.16.2.0/23", "172.16.4.0/23", "172.16.6.0/23", "172.16.8.0/23", "172.16.10.0/23"],
                [
                    "172.16.14.0/26",
                    "172.16.14.64/26",
                    "172.16.14.128/26",
                    "172.16.14.192/26",
                    "172.16.15.0/26",
                    "172.16.15.64/26",
                ],
            ],
        ];
        for (const [block, zones, privateCidrs, publicCidrs] of cases) {
            assert.deepEqual(planSubnets(block, zones), { privateCidrs, publicCidrs }, block);
        }
    });

    it("keeps the API endpoint private unless CIDRs are listed, and private access always on", () => {
        assert.deepEqual(endpointAccess([]), {
            endpointPrivateAccess: true,
            endpointPublicAccess: false,
            publicAccessCidrs: undefined,
        });
        assert.deepEqual(endpointAccess(["203.0.113.0/24"]), {
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: ["203.0.113.0/24"],
        });
    });

    it("gives each admin role cluster-admin through an access entry scoped to the cluster, tagged as the stack's", () => {
        assert.deepEqual(
            adminAccessEntries(["arn:aws:iam::123456789012:role/platform"], { "berrys.io/stack": "staging" }),
            {
                "admin-0": {
                    principalArn: "arn:aws:iam::123456789012:role/platform",
                    tags: { "berrys.io/stack": "staging", "berrys.io/access-entry": "cluster.adminRoleArns" },
                    accessPolicies: {
                        admin: { policyArn: CLUSTER_ADMIN_POLICY_ARN, accessScope: { type: "cluster" } },
                    },
                },
            },
        );
    });

    it("enforces the configured Pod Security level and warns and audits at restricted", () => {
        assert.deepEqual(podSecurityLabels("baseline"), {
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/warn-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/audit-version": "latest",
        });
    });

    it("names the quota <namespace>-quota (seed) and gives containers that declare nothing default requests and limits", () => {
        assert.equal(quotaName("berrys-production"), "berrys-production-quota");
        assert.deepEqual(limitRangeSpec(stackConfig("production").namespace), {
            limits: [
                {
                    type: "Container",
                    defaultRequest: { cpu: "100m", memory: "128Mi" },
                    default: { cpu: "500m", memory: "512Mi" },
                },
            ],
        });
    });

    it("nodes answer only IMDSv2, one hop away, and get an encrypted gp3 root volume", () => {
        assert.equal(METADATA_OPTIONS.httpTokens, "required");
        assert.equal(METADATA_OPTIONS.httpPutResponseHopLimit, 1);
        const group = stackConfig("production").nodeGroups["default-node-group"];
        assert.deepEqual(rootVolume(group, "AL2023_x86_64_STANDARD"), {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        });
        assert.equal(rootVolume(group, "BOTTLEROCKET_x86_64").deviceName, "/dev/xvdb");
    });

    it("a Pod Identity trust admits one service account of one namespace of one cluster of one account", () => {
        // The conditions the EKS user guide documents for a Pod Identity role: aws:SourceAccount and the
        // session tags EKS Pod Identity sets (aws/aws-eks-best-practices dc0243a latest/bpg/security/iam.adoc
        // 911-936: eks-cluster-arn is arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}).
        const staging = { name: "berrys-staging", accountId: "210987654321", region: "eu-west-1", partition: "aws" };
        const trust = podIdentityTrustPolicy(staging, "kube-system", "cluster-autoscaler");
        assert.deepEqual(trust.Statement[0].Action, ["sts:AssumeRole", "sts:TagSession"]);
        assert.deepEqual(trust.Statement[0].Condition, {
            StringEquals: {
                "aws:SourceAccount": "210987654321",
                "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:eu-west-1:210987654321:cluster/berrys-staging",
                "aws:RequestTag/eks-cluster-name": "berrys-staging",
                "aws:RequestTag/kubernetes-namespace": "kube-system",
                "aws:RequestTag/kubernetes-service-account": "cluster-autoscaler",
            },
        });
        assert.equal(
            clusterArn({ name: "c", accountId: "111122223333", region: "cn-north-1", partition: "aws-cn" }),
            "arn:aws-cn:eks:cn-north-1:111122223333:cluster/c",
        );
    });

    it("the undocumented aws:SourceArn condition is added only when opted in, on top of the documented ones", () => {
        // No AWS page documents a source ARN for pods.eks.amazonaws.com; awslabs/mountpoint-s3-csi-driver#781
        // shows credential delivery failing with this exact condition, and terraform-aws-eks keeps it off by default.
        const staging = { name: "berrys-staging", accountId: "210987654321", region: "eu-west-1", partition: "aws" };
        const plain = podIdentityTrustPolicy(staging, "kube-system", "aws-node").Statement[0].Condition!;
        const opted = podIdentityTrustPolicy(staging, "kube-system", "aws-node", true).Statement[0].Condition!;
        assert.equal(plain.ArnLike, undefined);
        assert.deepEqual(opted.ArnLike, {
            "aws:SourceArn": "arn:aws:eks:eu-west-1:210987654321:podidentityassociation/berrys-staging/*",
        });
        assert.deepEqual(opted.StringEquals, plain.StringEquals);
    });

    it("critical services may preempt standard ones, never the other way, and both stay below the system classes", () => {
        assert.ok(PRIORITY_CLASSES.critical.value > PRIORITY_CLASSES.standard.value);
        assert.equal(PRIORITY_CLASSES.standard.preemptionPolicy, "Never");
        assert.ok(PRIORITY_CLASSES.critical.value < 1_000_000_000, "user classes must stay below 1e9");
    });

    // Issue 21: under node pressure the scheduler preempts lower priorities before cluster-autoscaler
    // adds a node; at priority 0 the custom-metrics path lost a Prometheus exactly at peak.
    it("berrys-monitoring ranks at least with the services' highest class, and may preempt only lower ones (never a critical service)", () => {
        const highest = Math.max(...Object.values(PRIORITY_CLASSES).map((spec) => spec.value));
        assert.equal(MONITORING_PRIORITY_CLASS.name, "berrys-monitoring");
        assert.ok(MONITORING_PRIORITY_CLASS.value >= highest, "a critical service would preempt Prometheus");
        assert.ok(
            MONITORING_PRIORITY_CLASS.value <= PRIORITY_CLASSES.critical.value,
            "Prometheus would preempt critical services",
        );
        assert.equal(MONITORING_PRIORITY_CLASS.preemptionPolicy, "PreemptLowerPriority");
    });
});
