"""Who may use the sign-in pages and an account's own settings (see carers.auth.policy)."""

from carers.auth.policy import link, public, signed_in

ROUTES = {
    "auth.sign_in": public(),
    "auth.second_factor": public(),  # the password was right; the view checks the code
    "auth.recovery_code": public(),
    "auth.sign_out": public(),
    "auth.keep_alive": signed_in(before_second_factor=True),
    "auth.home": signed_in(),
    "auth.account": signed_in(before_second_factor=True),
    "auth.set_up_second_factor": signed_in(before_second_factor=True),
    "auth.new_recovery_codes": signed_in(),
    "auth.turn_off_second_factor": signed_in(),
    "auth.change_password": signed_in(before_second_factor=True),
    "auth.sign_out_everywhere": signed_in(before_second_factor=True),
    "auth.set_password": link(),  # a staff invitation's single-use link
}
