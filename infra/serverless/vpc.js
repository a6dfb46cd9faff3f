// Optional VPC attachment for a Pushgateway in a private network: set the stage params
// vpcSecurityGroupIds and vpcSubnetIds (comma-separated). Without both, `config` is absent and
// serverless.yml falls back to null: no VPC.
module.exports = async ({ resolveVariable }) => {
  const split = (value) =>
    String(value ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  const securityGroupIds = split(await resolveVariable('param:vpcSecurityGroupIds'));
  const subnetIds = split(await resolveVariable('param:vpcSubnetIds'));
  if (securityGroupIds.length === 0 && subnetIds.length === 0) return {};
  if (securityGroupIds.length === 0 || subnetIds.length === 0) {
    throw new Error('set both vpcSecurityGroupIds and vpcSubnetIds, or neither');
  }
  return { config: { securityGroupIds, subnetIds } };
};
