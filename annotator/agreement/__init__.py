"""Agreement between annotators of the same documents, at the token level and the span level.

- Units: the tokens of :func:`annotator.tokenizer.tokenize` (or given tokens, or characters);
  each annotator gives each token the label of the span covering it, the longest where spans
  overlap, or "O" (:mod:`annotator.agreement.units`).
- Token level: Cohen's kappa per pair, Fleiss' kappa over the tokens every annotator coded,
  nominal Krippendorff's alpha with missing values (an annotator who did not annotate a
  document), each overall and per label, one label against the rest; a confusion matrix of
  labels per pair and summed over the pairs (:mod:`annotator.agreement.statistics`).
- Span level: precision, recall and F1 per pair, the first annotator as reference, with exact
  and one-to-one overlap matching (:mod:`annotator.agreement.spans`).
- Unitizing alpha: Krippendorff's αU on the characters, without tokens, over the documents every
  annotator annotated, overall and per label (:mod:`annotator.agreement.unitizing`).
- Undefined figures (no items, or everything in one category) are None.

:func:`compute_agreement` reads the documents once and returns an :class:`AgreementReport`.
"""

from annotator.agreement.report import AgreementReport, PairAgreement, compute_agreement
from annotator.agreement.spans import Scores, SpanCounts, match_exact, match_overlap
from annotator.agreement.units import OUTSIDE, AgreementDocument, token_offsets, unit_labels

__all__ = [
    "OUTSIDE",
    "AgreementDocument",
    "AgreementReport",
    "PairAgreement",
    "Scores",
    "SpanCounts",
    "compute_agreement",
    "match_exact",
    "match_overlap",
    "token_offsets",
    "unit_labels",
]
