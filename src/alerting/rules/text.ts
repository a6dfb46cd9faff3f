import { ESTATS, LABEL } from '../../metrics/catalogue';

/**
 * " (shop-images)": the target's name from its info series (akamai_estats_target_info),
 * looked up by the alert's own label when the text is rendered; nothing for a target without
 * a name. The data series and the alert carry no name label, so a rename changes no alert.
 */
const nameBy = (label: string) =>
  `{{ with query (printf "${ESTATS.targetInfo.name}{${label}=%q}" $labels.${label}) }} ({{ . | first | label "${LABEL.targetName}" }}){{ end }}`;

/** How an alert's text names its target: CP code or URL, its name, and the delivery type. */
export const TARGET_TEXT = `{{ if $labels.${LABEL.cpCode} }}CP code {{ $labels.${LABEL.cpCode} }}${nameBy(LABEL.cpCode)}{{ else }}{{ $labels.${LABEL.url} }}${nameBy(LABEL.url)}{{ end }}{{ if $labels.${LABEL.delivery} }} ({{ $labels.${LABEL.delivery} }}){{ end }}`;
