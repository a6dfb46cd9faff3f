// serverless prints a variable resolver's error with its stack: this one carries the message
// and the hint (ConfigurationError) and nothing else, so the user reads only what to fix.
module.exports.clearError = (error) => {
  // A list of problems (a stage file's) ends its last line; its hint goes on a line of its own.
  const joint = error.message.endsWith('\n') ? '  ' : '. ';
  const clear = new Error(error.hint ? `${error.message}${joint}${error.hint}` : error.message);
  clear.stack = `\n  ${clear.message}\n`;
  return clear;
};
