"""One client record per normalised email for every existing booking and call back,
linked with their answers; the starter "today" questions asked again before the visit."""

from django.db import migrations

# Starter questions about how the client is now, not their history: asked again
# in the pre-visit check (fever, infection, cold or flu, a new injury or calf
# pain, alcohol, new medicines on the day, pregnancy news).
PRE_VISIT_CODES = [
    "fever",
    "contagious-illness",
    "calf-pain-now",
    "unchecked-injury",
    "alcohol-or-drugs",
    "strong-painkillers",
    "pregnancy",
    "pregnancy-care",
]


def link_clients(apps, schema_editor):
    Client = apps.get_model("bookings", "Client")
    Appointment = apps.get_model("bookings", "Appointment")
    CallbackRequest = apps.get_model("bookings", "CallbackRequest")
    HealthAnswers = apps.get_model("bookings", "HealthAnswers")
    clients: dict[str, int] = {}

    def client_for(email: str, name: str, phone: str) -> int | None:
        email = (email or "").strip().lower()
        if not email or email.endswith("@invalid"):  # erased records stay unlinked
            return None
        if email not in clients:
            client, _ = Client.objects.get_or_create(
                email=email, defaults={"name": name[:100], "phone": phone[:30]}
            )
            clients[email] = client.pk
        else:
            # Rows come oldest first: the latest name and phone win.
            Client.objects.filter(pk=clients[email]).update(name=name[:100], phone=phone[:30])
        return clients[email]

    for a in Appointment.objects.order_by("created", "pk").iterator():
        pk = client_for(a.client_email, a.client_name, a.client_phone)
        if pk:
            Appointment.objects.filter(pk=a.pk).update(client_id=pk)
            HealthAnswers.objects.filter(appointment_id=a.pk).update(client_id=pk)
    for c in CallbackRequest.objects.order_by("created", "pk").iterator():
        pk = client_for(c.email, c.name, c.phone)
        if pk:
            CallbackRequest.objects.filter(pk=c.pk).update(client_id=pk)
            HealthAnswers.objects.filter(callback_id=c.pk).update(client_id=pk)


def mark_pre_visit(apps, schema_editor):
    Question = apps.get_model("bookings", "Question")
    Question.objects.filter(code__in=PRE_VISIT_CODES).update(pre_visit=True)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0019_client_record_sign_in_pre_visit")]

    operations = [
        migrations.RunPython(link_clients, migrations.RunPython.noop),
        migrations.RunPython(mark_pre_visit, migrations.RunPython.noop),
    ]
