"""Safer starter wording for libraries loaded before it (content-safety review).

The starter loader only creates what is missing, so a library loaded earlier
keeps the old wording. Each change here applies only where the row still holds
the starter's old text (or value): anything staff edited is left as they left it.
Cautions the review found missing are added to the starter points that lack them.
"""

from django.db import migrations

# (model, key, field, old value, new value). Keys: point (code,), locatingstep and
# techniquestep (point code, position), caution (point code, text), routine (slug,),
# routinestep (routine slug, position).
CHANGES = [('point',
  ('GV20',),
  'summary',
  'A soft spot on the very top of the head, pressed gently to settle a busy mind and ease a '
  'heavy, dull headache.',
  'A soft spot on the very top of the head that people press gently when the mind is busy or a '
  'heavy, dull headache sits on top.'),
 ('point',
  ('GV20',),
  'uses',
  'People reach for this crown point when a headache sits on top of the head, when they feel a '
  'little light-headed and unsettled, or simply to wind down. Some spa guides list it for back '
  'pain, but its traditional role is calming and easing the head, so that is where we file it. '
  'It pairs well with Yintang between the eyebrows. Dizziness that is new, strong or keeps '
  'coming back needs a doctor rather than a pressure point.',
  'People reach for this crown point when a headache sits on top of the head, when they feel a '
  'little light-headed and unsettled, or simply to wind down. Some spa guides list it for back '
  'pain, but its traditional role is calming and settling the head, so that is where we file '
  'it. It pairs well with Yintang between the eyebrows. Dizziness that is new, strong or keeps '
  'coming back needs a doctor rather than a pressure point.'),
 ('point',
  ('GB20',),
  'uses',
  'One of the first points people try when hours at a screen leave the neck stiff and a '
  'headache creeps up from the back of the skull. Working both hollows at once with the '
  'thumbs, while the head rests back on them, helps the muscles that hold the head up all day '
  'to let go.',
  'One of the first points people try when hours at a screen leave the neck stiff and a '
  'headache creeps up from the back of the skull. Working both hollows at once with the '
  'thumbs, while the head rests back on them, is a way many people let the muscles that hold '
  'the head up all day relax.'),
 ('point',
  ('BL10',),
  'uses',
  'Pressing here helps when the neck feels locked after reading, driving or sleeping '
  'awkwardly, and when a headache seems to grip the back of the head. It lies just inside and '
  'a little below Fengchi (GB20), so the two are usually worked one after the other.',
  'People press it when the neck feels locked after reading, driving or sleeping awkwardly, '
  'and when a headache seems to grip the back of the head. It lies just inside and a little '
  'below Fengchi (GB20), so the two are usually worked one after the other.'),
 ('point',
  ('GV14',),
  'uses',
  'When the base of the neck aches from hunching over a desk or a phone, gentle work in this '
  'dip helps the area loosen. You can reach it with your own fingers, though it is more '
  'relaxing when a partner does it while you sit leaning forward.',
  'When the base of the neck aches from hunching over a desk or a phone, gentle work in this '
  'dip is a common way to ease it. You can reach it with your own fingers, though it is more '
  'relaxing when a partner does it while you sit leaning forward.'),
 ('point',
  ('GB21',),
  'summary',
  'The high point of the shoulder muscle, halfway between the neck and the tip of the '
  'shoulder; usually tender when the shoulders are tight.',
  'The high point of the shoulder muscle, halfway between the neck and the tip of the '
  'shoulder; usually tender when the shoulders are tight. Not for use in pregnancy.'),
 ('point',
  ('GB21',),
  'uses',
  'Few places hold tension like the tops of the shoulders. Squeezing this ridge of muscle '
  'helps shoulders that creep up toward the ears, and it is often used for headaches felt at '
  'the back of the head. It is also one of the points most consistently avoided in pregnancy.',
  'Few places hold tension like the tops of the shoulders. Many people squeeze this ridge of '
  'muscle when their shoulders creep up toward the ears, and it is often used for headaches '
  'felt at the back of the head. It is also one of the points most consistently avoided in '
  'pregnancy.'),
 ('techniquestep',
  ('GB21', 2),
  'instruction',
  'Take hold of the muscle between your fingers in front and the heel of your hand behind, and '
  'squeeze slowly as you breathe out.',
  'Take hold of the muscle between your fingers behind the shoulder and the heel of your hand '
  'in front, and squeeze slowly as you breathe out.'),
 ('caution',
  ('GB21',
   'This spot sits above the top of the lung. Grip and lift the muscle between your fingers; '
   'never drive a thumb, elbow or pointed tool straight down into it.'),
  'kind',
  'nerve-artery',
  'other'),
 ('techniquestep',
  ('SI11', 3),
  'instruction',
  'Bend and straighten your knees a little to roll the ball in small circles over the point.',
  'Shift your weight up, down and sideways to roll the ball in small circles over the point.'),
 ('point',
  ('BL42',),
  'uses',
  'It helps the band of muscle between the spine and the shoulder blade that tightens with '
  'rounded shoulders and a stiff neck. Note where it is: out on the inner edge of the shoulder '
  'blade, about four finger-widths from the spine, not right beside the spine as it is '
  'sometimes described.',
  'People work it for the band of muscle between the spine and the shoulder blade that '
  'tightens with rounded shoulders and a stiff neck. Note where it is: out on the inner edge '
  'of the shoulder blade, about four finger-widths from the spine, not right beside the spine '
  'as it is sometimes described.'),
 ('point',
  ('BL43',),
  'uses',
  'Besides easing aches across the upper back and shoulders, this point is traditionally '
  'pressed when someone feels worn out or sleeps badly. It is also the closest standard point '
  "to the popular 'sweet spot' between the shoulder blades, which has no official point of its "
  'own.',
  'Besides aches across the upper back and shoulders, this point is traditionally pressed when '
  'someone feels worn out or sleeps badly. It is also the closest standard point to the '
  "popular 'sweet spot' between the shoulder blades, which has no official point of its own."),
 ('point',
  ('GV11',),
  'uses',
  'Pressed for an ache in the middle of the upper back, and in traditional practice also '
  'linked with calming an anxious mind. Most people cannot reach it themselves, so ask a '
  'partner while you lie face down or sit leaning forward on a cushion.',
  'Pressed for an ache in the middle of the upper back, and in traditional practice also '
  'linked with calming an anxious mind. Most people cannot reach it themselves, so ask a '
  'partner while you lie face down or sit leaning forward on a cushion. This midline dip is '
  "the nearest standard point to the 'sweet spot' some guides describe right between the "
  'shoulder blades.'),
 ('techniquestep', ('GV4', 2), 'pressure', 'moderate', 'light'),
 ('point',
  ('BL23',),
  'uses',
  "These are the points most people mean by 'the lumbar points'. Pressing them helps a tired, "
  'aching lower back, and in traditional practice they are also linked with weak, tired knees '
  'and legs. Your own thumbs reach them easily.',
  "These are the points most people mean by 'the lumbar points'. People press them for a "
  'tired, aching lower back, and in traditional practice they are also linked with weak, tired '
  'knees and legs. Your own thumbs reach them easily.'),
 ('techniquestep', ('GV3', 2), 'pressure', 'moderate', 'light'),
 ('techniquestep',
  ('BL25', 2),
  'instruction',
  'Press in as you breathe out, to a strong but comfortable pressure, and hold.',
  'Press in as you breathe out, to a steady, comfortable pressure, and hold.'),
 ('point',
  ('BL32',),
  'summary',
  'A point in the second small hollow of the sacrum, just inside the dimples above the '
  'buttocks; it stands for the whole group of sacral points.',
  'A point in the second small hollow of the sacrum, just inside the dimples above the '
  'buttocks; it stands for the whole group of sacral points. Avoided in pregnancy.'),
 ('techniquestep',
  ('BL32', 3),
  'instruction',
  'Bend and straighten your knees a little to roll the ball in small circles over the hollow, '
  'then change sides.',
  'Shift your weight up, down and sideways to roll the ball in small circles over the hollow, '
  'then change sides.'),
 ('locatingstep',
  ('SP6', 1),
  'text',
  'Find the top of the bony bump on the inside of your ankle.',
  'Find the most prominent point of the bony bump on the inside of your ankle.'),
 ('locatingstep',
  ('SP6', 2),
  'text',
  'Lay four fingers across the leg above it, little finger resting on the ankle bone; the '
  'point is level with the top edge of your index finger.',
  'Lay four fingers across the leg above it, the lower edge of your little finger on that '
  'point; the point is level with the top edge of your index finger.'),
 ('point',
  ('BL67',),
  'summary',
  'A point beside the outer corner of the little toenail, shown so that you know to avoid it: '
  'tradition uses it to turn a baby lying bottom-first.',
  'A point beside the outer corner of the little toenail, shown so that you know to avoid it: '
  'tradition uses it to turn a baby lying bottom-first. Avoid it in pregnancy.'),
 ('point',
  ('SI3',),
  'uses',
  'Traditionally this is the hand point for a neck that will not turn and for back pain that '
  'has just come on. A handy trick is to press it while slowly turning the head or moving the '
  'back. Back pain that is sudden and severe, follows a fall, or comes with numbness or leg '
  'weakness needs a doctor first.',
  'Traditionally this is the hand point for a neck that will not turn and for back pain that '
  'has just come on. A handy trick is to press it while slowly turning the head or moving the '
  'back. See a doctor before using these points if back pain follows a fall or injury, or '
  'comes with fever, unexplained weight loss, a history of cancer, numbness or weakness in a '
  'leg, or (urgently) numbness around the groin or changes in bladder or bowel control.'),
 ('point',
  ('PC6',),
  'summary',
  'Three finger-widths above the wrist crease on the palm side, between the two middle '
  'tendons; well known for easing nausea.',
  'Three finger-widths above the wrist crease on the palm side, between the two middle '
  'tendons; the point travel-sickness bands press on.'),
 ('routine', ('lower-back-relief',), 'title', 'Lower-back relief', 'Lower-back routine'),
 ('routine',
  ('lower-back-relief',),
  'introduction',
  'Work through the points from the waistline downward, breathing out each time you press. '
  'Most of them can be done standing with your hands on your hips; a massage ball on the floor '
  'is a good alternative for the points either side of the spine.\n'
  'If your back pain is new or severe, started after a fall, or comes with numbness, weakness '
  'in a leg or changes in bladder or bowel control, see a doctor before trying this. If you '
  'are pregnant, ask your therapist or midwife first: some traditions advise avoiding the '
  'lower-back points.',
  'Work through the points from the waistline downward, breathing out each time you press. '
  'Most of them can be done standing with your hands on your hips; a massage ball on the floor '
  'is a good alternative for the points either side of the spine.\n'
  'See a doctor before using these points if back pain follows a fall or injury, or comes with '
  'fever, unexplained weight loss, a history of cancer, numbness or weakness in a leg, or '
  '(urgently) numbness around the groin or changes in bladder or bowel control. If you are or '
  'might be pregnant, ask your therapist or midwife first: some traditions advise avoiding the '
  'lower-back points.'),
 ('routinestep',
  ('lower-back-relief', 6),
  'note',
  'Light, flat fingers only. Skip it if you have varicose veins.',
  'Light, flat fingers only. Skip it if you have varicose veins or have ever had a blood '
  'clot.'),
 ('routinestep',
  ('desk-neck-and-shoulders', 4),
  'note',
  'Grip and lift the shoulder muscle. Skip it if you are pregnant.',
  'Grip and lift the shoulder muscle. Skip it if you are or might be pregnant.'),
 ('routinestep',
  ('desk-neck-and-shoulders', 6),
  'note',
  'Squeeze the web of the hand. Skip it if you are pregnant.',
  'Squeeze the web of the hand. Skip it if you are or might be pregnant.'),
 ('routine',
  ('easing-sciatica',),
  'title',
  'Easing sciatica',
  'Sciatic-type pain: a gentle routine'),
 ('routine',
  ('easing-sciatica',),
  'introduction',
  'Sciatica is pain that travels from the lower back or buttock down the back or side of the '
  'leg. This routine follows that path. Keep the pressure moderate, and stop if the pain '
  'sharpens, spreads further, or brings numbness or pins and needles. Leave out GB30 if you '
  'have a hip replacement.\n'
  'Leg pain that comes with weakness in the leg, numbness around the groin or changes in '
  'bladder or bowel control needs urgent medical help, not massage.',
  'Sciatica is pain that travels from the lower back or buttock down the back or side of the '
  'leg. This routine follows that path. Keep the pressure gentle to moderate, and stop if the '
  'pain sharpens, spreads further, or brings numbness or pins and needles. Leave out GB30 if '
  'you have a hip replacement.\n'
  'See a doctor before using these points if back pain follows a fall or injury, or comes with '
  'fever, unexplained weight loss, a history of cancer, numbness or weakness in a leg, or '
  '(urgently) numbness around the groin or changes in bladder or bowel control.'),
 ('routinestep',
  ('easing-sciatica', 1),
  'note',
  'Start by easing the lower back with your thumbs.',
  'Start on the lower back with your thumbs, gently.'),
 ('routinestep',
  ('easing-sciatica', 5),
  'note',
  'Gentle, spread-out pressure behind the knee only.',
  'Light, flat fingers only. Skip it if you have varicose veins or have ever had a blood '
  'clot.'),
 ('routine',
  ('tension-headache-relief',),
  'title',
  'Tension headache relief',
  'Tension-headache routine'),
 ('routinestep',
  ('tension-headache-relief', 3),
  'note',
  'Squeeze the tops of the shoulders. Skip it if you are pregnant.',
  'Squeeze the tops of the shoulders. Skip it if you are or might be pregnant.'),
 ('routinestep',
  ('tension-headache-relief', 6),
  'note',
  'Squeeze the web of the hand. Skip it if you are pregnant.',
  'Squeeze the web of the hand. Skip it if you are or might be pregnant.')]

# (point code, (old close-up, x, y), (new close-up, x, y)): changed in one update, since
# a close-up and its position must agree at every moment (a check constraint).
CLOSE_UPS = [('BL60', ('foot', '0.665', '0.915'), ('', None, None))]

# (point code, position, kind, text): cautions added where the point has no caution
# with this text.
ADDED_CAUTIONS = [('BL25',
  2,
  'bone',
  'With osteoporosis or fragile bones, use your thumbs with light pressure instead of a ball '
  'or knuckles.'),
 ('BL32',
  2,
  'bone',
  'With osteoporosis or fragile bones, use your thumbs with light pressure instead of a ball '
  'or knuckles.')]


def _rows(apps, model, key):
    get = apps.get_model
    if model == "point":
        return get("points", "Point").objects.filter(code=key[0])
    if model == "locatingstep":
        return get("points", "LocatingStep").objects.filter(point__code=key[0], position=key[1])
    if model == "techniquestep":
        return get("points", "TechniqueStep").objects.filter(point__code=key[0], position=key[1])
    if model == "caution":
        return get("points", "Caution").objects.filter(point__code=key[0], text=key[1])
    if model == "routine":
        return get("points", "Routine").objects.filter(slug=key[0])
    return get("points", "RoutineStep").objects.filter(routine__slug=key[0], position=key[1])


def forwards(apps, schema_editor):
    for model, key, field, old, new in CHANGES:
        _rows(apps, model, key).filter(**{field: old}).update(**{field: new})
    Point = apps.get_model("points", "Point")
    for code, (detail, x, y), (new_detail, new_x, new_y) in CLOSE_UPS:
        Point.objects.filter(code=code, detail=detail, detail_x=x, detail_y=y).update(
            detail=new_detail, detail_x=new_x, detail_y=new_y
        )
    Caution = apps.get_model("points", "Caution")
    for code, position, kind, text in ADDED_CAUTIONS:
        point = Point.objects.filter(code=code).first()
        if point and not Caution.objects.filter(point=point, text=text).exists():
            Caution.objects.create(point=point, position=position, kind=kind, text=text)


class Migration(migrations.Migration):
    dependencies = [("points", "0002_point_aliases_concern_synonyms")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
