def test_login_page_is_in_chinese_by_default(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logout_and_password_change_pages_work(client, member_user):
    client.force_login(member_user)
    assert "修改密码" in client.get("/accounts/password/").content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "pass-Word-123",
            "new_password1": "Neue-Passwort-42x",
            "new_password2": "Neue-Passwort-42x",
        },
    )
    assert response.status_code == 302
    member_user.refresh_from_db()
    assert member_user.check_password("Neue-Passwort-42x")
    assert client.post("/accounts/logout/").status_code == 302


def test_user_can_switch_to_english_and_keeps_the_choice(client, member_user):
    client.force_login(member_user)
    client.post("/language/", {"language": "en", "next": "/accounts/password/"})
    assert member_user.preference.language == "en"
    body = client.get("/accounts/password/").content.decode()
    assert "Change password" in body


def test_every_response_carries_a_strict_content_security_policy(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp


def test_an_english_browser_still_gets_chinese_until_the_person_chooses(client, db):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in body
    client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Log in" in body
