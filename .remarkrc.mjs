// `npm run lint` checks every link inside the docs: files, and headings (GitHub's anchors).
// The repository is named so that links to its own GitHub pages are checked here too.
import remarkValidateLinks from 'remark-validate-links';

export default {
  plugins: [[remarkValidateLinks, { repository: 'pushgate-collector/pushgate-collector' }]],
};
