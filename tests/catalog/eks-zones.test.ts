// The zone IDs EKS refuses (catalog/eks-zones.ts), as the EKS user guide lists them.
import { strict as assert } from "assert";
import { EKS_UNSUPPORTED_ZONE_IDS } from "../../catalog/eks-zones";

describe("EKS_UNSUPPORTED_ZONE_IDS", () => {
    it("lists the zone IDs the EKS user guide says cluster subnets can't use", () => {
        // awsdocs/amazon-eks-user-guide 4d52b4d, latest/ug/networking/network-reqs.adoc, "Subnet
        // requirements for clusters": "The subnets can't reside in the following Availability Zones".
        assert.deepEqual(EKS_UNSUPPORTED_ZONE_IDS, {
            "us-east-1": ["use1-az3"],
            "us-west-1": ["usw1-az2"],
            "ca-central-1": ["cac1-az3"],
        });
    });
});
