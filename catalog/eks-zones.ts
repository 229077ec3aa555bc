// Availability zones EKS refuses, by zone ID: pure data, read by the network's zone choice and by
// the check of `network.availabilityZoneIds`.

/**
 * Zone IDs whose subnets an EKS cluster cannot use, by region. Zone IDs name the same physical zone
 * in every account (zone names are shuffled per account, so they cannot be listed). From the EKS
 * user guide, "View Amazon EKS networking requirements for VPC and subnets", Subnet requirements
 * for clusters: "The subnets can't reside in the following Availability Zones" (awsdocs/
 * amazon-eks-user-guide 4d52b4d, latest/ug/networking/network-reqs.adoc).
 * The same zones lack current (Nitro) instance families, so the nodes leave them out as well.
 */
export const EKS_UNSUPPORTED_ZONE_IDS: Readonly<Record<string, readonly string[]>> = {
    "us-east-1": ["use1-az3"],
    "us-west-1": ["usw1-az2"],
    "ca-central-1": ["cac1-az3"],
};
