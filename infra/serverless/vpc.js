// Optional VPC attachment for a Pushgateway in a private network: the settings
// vpcSecurityGroupIds and vpcSubnetIds (comma-separated; both or neither, checked with the
// stage's settings). Without them, `config` is absent and serverless.yml falls back to null.
module.exports = async ({ resolveVariable }) => {
  const split = (value) =>
    String(value ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
  const settings = await resolveVariable('self:custom.stage.settings');
  const securityGroupIds = split(settings.vpcSecurityGroupIds);
  const subnetIds = split(settings.vpcSubnetIds);
  if (securityGroupIds.length === 0 || subnetIds.length === 0) return {};
  return { config: { securityGroupIds, subnetIds } };
};
