/** How an alert's text names its target: CP code or URL, and the delivery type. */
export const TARGET_TEXT =
  '{{ if $labels.cp_code }}CP code {{ $labels.cp_code }}{{ else }}{{ $labels.url }}{{ end }}{{ if $labels.delivery }} ({{ $labels.delivery }}){{ end }}';
