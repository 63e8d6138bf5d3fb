// Idle timeout warning for signed-in staff and applicants: shows a warning before the session
// ends and lets the person stay signed in. The server ends idle sessions whether or not this runs.
const banner = document.querySelector('[data-module="carers-idle-warning"]')
if (banner) {
  const idleMs = Number(banner.dataset.idleSeconds) * 1000
  const warnMs = Number(banner.dataset.warningSeconds) * 1000
  const button = banner.querySelector('button')
  let warnTimer, endTimer

  function schedule () {
    clearTimeout(warnTimer)
    clearTimeout(endTimer)
    warnTimer = setTimeout(function () {
      banner.hidden = false
      banner.focus()
    }, Math.max(0, idleMs - warnMs))
    endTimer = setTimeout(function () {
      window.location.assign(banner.dataset.signIn)
    }, idleMs + 1000)
  }

  button.addEventListener('click', function () {
    fetch(banner.dataset.keepAlive, { credentials: 'same-origin' }).then(function (response) {
      if (response.status === 204) {
        banner.hidden = true
        schedule()
      } else {
        window.location.assign(banner.dataset.signIn)
      }
    })
  })
  schedule()
}
