// components/pod-identity-role.ts: the trust policy of a Pod Identity role.
import { strict as assert } from "assert";
import { clusterArn, podIdentityTrustPolicy } from "../../components/pod-identity-role";

describe("the Pod Identity role's trust policy", () => {
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
});
