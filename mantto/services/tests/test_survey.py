from __future__ import annotations

from datetime import timedelta

from mantto.core.errors import DomainError
from mantto.notifications.models import OutboxEmail
from mantto.services import delivery
from mantto.services.models import Survey, supplier_scores
from mantto.services.tests.helpers import NOW, ServiceTestCase

LATER = NOW + timedelta(days=1)


class SurveyTestCase(ServiceTestCase):
    def token(self) -> str:
        body = OutboxEmail.objects.filter(kind="service-survey").latest("id").body_text
        return body.split("/encuesta/")[1].split("/")[0]

    def answer(self, token, q=5, t=4, tr=3, comment=""):
        return delivery.answer_survey(
            token, quality=q, timeliness=t, treatment=tr, comment=comment, now=LATER
        )

    def test_it_records_the_answers_once(self):
        self.delivered()
        token = self.token()
        survey = self.answer(token, comment="Bien")
        self.assertEqual((survey.quality, survey.timeliness, survey.treatment), (5, 4, 3))
        self.assertEqual(survey.answered_at, LATER)
        with self.assertRaises(DomainError) as ctx:
            self.answer(token, 1, 1, 1)
        self.assertEqual(ctx.exception.code, "MANTTO-SURVEY-DONE")
        survey.refresh_from_db()
        self.assertEqual(survey.quality, 5)

    def test_it_refuses_scores_outside_1_to_5_and_unknown_links(self):
        self.delivered()
        for q in (0, 6, "x", None):
            with self.assertRaises(DomainError) as ctx:
                self.answer(self.token(), q=q)
            self.assertEqual(ctx.exception.code, "MANTTO-SURVEY-VALUE")
        with self.assertRaises(DomainError) as ctx:
            self.answer("no-existe")
        self.assertEqual(ctx.exception.code, "MANTTO-SURVEY-LINK")

    def test_it_averages_the_workshop_scores(self):
        self.delivered()
        self.answer(self.token(), 5, 4, 5)
        self.delivered()
        self.answer(self.token(), 4, 2, 4)
        scores = supplier_scores(self.supplier)
        self.assertEqual(scores["n"], 2)
        self.assertEqual(str(scores["quality"]), "4.5")
        self.assertEqual(str(scores["timeliness"]), "3.0")
        self.assertEqual(supplier_scores(self.other_supplier)["n"], 0)


class SurveyViewTestCase(SurveyTestCase):
    def test_it_works_without_login_and_only_once(self):
        self.delivered()
        url = f"/encuesta/{self.token()}/"
        r = self.client.get(url)
        self.assertContains(r, "Calidad del servicio")
        self.assertContains(r, "ABC1234")
        self.assertEqual(Survey.objects.get().answered_at, None)  # GET does not answer
        data = {"quality": "5", "timeliness": "5", "treatment": "4", "comment": "Excelente"}
        r = self.client.post(url, data)
        self.assertContains(r, "Gracias por tus respuestas")
        r = self.client.post(url, data)
        self.assertContains(r, "ya fue respondida")
        self.assertEqual(Survey.objects.get().treatment, 4)

    def test_it_shows_errors_and_unknown_links(self):
        self.delivered()
        r = self.client.post(f"/encuesta/{self.token()}/", {"quality": "9"})
        self.assertContains(r, "Seleccione una opción válida")
        r = self.client.get("/encuesta/inventado/")
        self.assertEqual(r.status_code, 404)
        self.assertContains(r, "no es válido", status_code=404)

    def test_the_supplier_page_shows_the_averages(self):
        self.delivered()
        self.answer(self.token(), 5, 4, 5, comment="Muy amables")
        self.login(self.coordinador)
        r = self.client.get(f"/talleres/{self.supplier.code}/")
        self.assertContains(r, "<strong>5.0</strong> / 5", html=False)
        self.assertContains(r, "Muy amables")
        r = self.client.get("/talleres/")
        self.assertContains(r, "Calidad 5.0 · Tiempo 4.0 · Trato 5.0 (1)")
