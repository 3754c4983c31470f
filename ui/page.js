(function () {
  function naShow(turn, n) {
    var groups = document.querySelectorAll('.na-src-group');
    groups.forEach(function (g) { g.classList.toggle('na-active', g.id === 'na-group-' + turn); });
    document.querySelectorAll('.na-card.na-hl').forEach(function (c) { c.classList.remove('na-hl'); });
    if (n === null) return;
    var card = document.getElementById('na-src-' + turn + '-' + n);
    if (!card) return;
    card.classList.add('na-hl');
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
  }
  window.naShowSource = naShow;
  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!t || !t.closest) return;
    var a = t.closest('a.na-cite');
    if (a) {
      var m = (a.getAttribute('href') || '').match(/^#na-src-(\d+)-(\d+)$/);
      if (!m) return;
      e.preventDefault();
      e.stopPropagation();
      naShow(m[1], m[2]);
      return;
    }
    var ans = t.closest('.na-answer');
    if (ans) {
      var cls = Array.prototype.find.call(ans.classList, function (c) { return c.indexOf('na-turn-') === 0; });
      if (cls) naShow(cls.slice(8), null);
    }
  }, true);
})();
