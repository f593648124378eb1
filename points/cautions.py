"""The general cautions every guide carries, in one wording each.

Point pages and routines show them under "Before you start"; the starter
content quotes BACK_WARNING in its back routines; tests pin that every
published page shows the lines its content calls for.
"""

from __future__ import annotations

NOT_MEDICAL_ADVICE = (
    "These guides are for relaxation and everyday aches, not medical advice or treatment. "
    "The uses come from traditional practice; research on acupressure is limited and mixed."
)
PRESSURE = (
    "Pressure should feel comfortable and never painful. Where a step says Light, keep it gentle."
)
GENTLE_ONLY = "Light pressure only: every step here is gentle, never firm."
LIGHT_ONLY_PEOPLE = (
    "If you take blood thinners, bruise easily or have fragile bones, keep to light pressure "
    "and skip balls, rollers and knuckles."
)
SKIN = (
    "Don't press over broken, bruised, swollen or recently injured skin, or over a lump "
    "nobody has checked."
)
STOP = (
    "Stop at once if the pain turns sharp or spreads, or if you feel numbness, tingling or "
    "dizziness."
)
BACK_WARNING = (
    "See a doctor before using these points if back pain follows a fall or injury, or comes "
    "with fever, unexplained weight loss, a history of cancer, numbness or weakness in a leg, "
    "or (urgently) numbness around the groin or changes in bladder or bowel control."
)
TRADITIONAL_NAMES = (
    "Traditional names: they describe the point's place in Chinese medicine, not an effect "
    "on that organ."
)
# Concerns whose pages carry the back-pain warning signs.
BACK_CONCERNS = frozenset({"low-back-pain", "sciatica"})
