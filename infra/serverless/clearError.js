// serverless prints a variable resolver's error with its stack: this one carries the message
// and the hint (ConfigurationError) and nothing else, so the user reads only what to fix.
module.exports.clearError = (error) => {
  const clear = new Error(error.hint ? `${error.message}. ${error.hint}` : error.message);
  clear.stack = `\n  ${clear.message}\n`;
  return clear;
};
