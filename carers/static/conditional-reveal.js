// The GOV.UK radios' conditional reveal, kept valid ARIA. GOV.UK Frontend marks a radio
// that reveals questions with aria-expanded, which ARIA does not allow on a radio (a known
// issue of the design system: alphagov/govuk-frontend#979), so axe reports it. The revealed
// questions follow their radio in the page and in the tab order, and keep their own labels,
// so the attribute is taken off again whenever GOV.UK Frontend sets it; aria-controls stays.
const form = document.querySelector('main form')
if (form && form.querySelector('.govuk-radios__conditional')) {
  const strip = function () {
    form.querySelectorAll('input[type="radio"][aria-expanded]').forEach(function (input) {
      input.removeAttribute('aria-expanded')
    })
  }
  new MutationObserver(strip).observe(form, {
    subtree: true, attributes: true, attributeFilter: ['aria-expanded']
  })
  strip()
}
