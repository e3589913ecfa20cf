import unittest

import service


class ServiceTests(unittest.TestCase):
    def test_health_reports_the_service_healthy(self):
        self.assertEqual(service.health()["status"], "healthy")

    def test_a_status_command_is_answered_and_an_empty_envelope_refused(self):
        self.assertEqual(service.message({"traceId": "t1", "messageType": "command", "payload": {"action": "status"}})[0], 200)
        self.assertEqual(service.message({})[0], 400)


if __name__ == "__main__":
    unittest.main()
