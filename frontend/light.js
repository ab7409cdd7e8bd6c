// The light enhancement of an anonymous reader's pages (the reading page, the comment page,
// the receipt), instead of the 3 MB application bundle: those pages work as plain HTML, and
// this adds the one thing worth a script on a slow phone — the comment form opening beside its
// article and sending without leaving the page. Written for old browsers (no modules, no
// optional chaining); every failure falls back to the plain link or the plain form post.
(function () {
  'use strict';
  if (!window.fetch || !window.DOMParser || !window.FormData || !window.URLSearchParams) return;
  document.body.setAttribute('data-enhanced', 'light');

  var GENERIC = {
    NotFound: '本条不存在或已不接受意见。',
    Forbidden: '没有权限。',
    CrossSite: '请求来源无法确认，请刷新页面后重试。',
    Internal: '服务器出错，请稍后再试；您填写的内容仍在表单中。'
  };

  // The Chinese message of a refusal the server sent as JSON (AppError, externally tagged).
  function message(err) {
    if (typeof err === 'string') return GENERIC[err] || '提交失败，请稍后再试。';
    if (err.RateLimited) return '提交太频繁，请 ' + err.RateLimited.retry_after_s + ' 秒后再试。';
    if (err.Unavailable) return '提交的人太多，请 ' + err.Unavailable.retry_after_s + ' 秒后再试；您填写的内容仍在表单中。';
    var text = err.Conflict || err.Refused || err.BadRequest || err.Unsupported;
    return typeof text === 'string' ? text : '提交失败，请稍后再试。';
  }

  function clearErrors(form) {
    var old = form.querySelectorAll('.field-error, .light-error');
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
  }

  function note(cls, role, text) {
    var p = document.createElement('p');
    p.className = cls;
    p.setAttribute('role', role);
    p.textContent = text;
    return p;
  }

  // Each field's error beside it (ids are c-<uid>-<field>, as the server renders them), the
  // first one focused; anything else above the button.
  function showErrors(form, err) {
    clearErrors(form);
    var prefix = form.getAttribute('data-prefix') || '';
    var first = null;
    if (err && err.Validation) {
      for (var i = 0; i < err.Validation.length; i++) {
        var f = err.Validation[i];
        var field = document.getElementById(prefix + f.field);
        var p = note('field-error', 'alert', f.message);
        if (field) {
          p.id = prefix + f.field + '-error';
          field.setAttribute('aria-describedby', p.id);
          field.parentNode.insertBefore(p, field.nextSibling);
          if (!first) first = field;
        } else {
          form.insertBefore(p, form.querySelector('button[type=submit]'));
        }
      }
    } else {
      form.insertBefore(note('alert alert-error light-error', 'alert', message(err)),
        form.querySelector('button[type=submit]'));
    }
    if (first && first.focus) first.focus();
  }

  function send(form, box) {
    var button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: 'application/json' },
      credentials: 'same-origin'
    }).then(function (res) {
      return res.text().then(function (text) {
        var body;
        try { body = JSON.parse(text); } catch (e) { body = 'Internal'; }
        if (!res.ok) throw body;
        var t = String(body);
        var ok = document.createElement('p');
        ok.className = 'alert alert-ok';
        ok.setAttribute('role', 'status');
        ok.tabIndex = -1;
        ok.id = 'receipt-' + t;
        ok.appendChild(document.createTextNode('意见已提交，回执编号 '));
        var strong = document.createElement('strong');
        strong.className = 'tracking-inline';
        strong.textContent = t;
        ok.appendChild(strong);
        ok.appendChild(document.createTextNode(' · '));
        var a = document.createElement('a');
        a.href = '/receipt/' + encodeURIComponent(t);
        a.textContent = '查看回执';
        ok.appendChild(a);
        box.innerHTML = '';
        box.appendChild(ok);
        ok.focus();
        if (ok.scrollIntoView) ok.scrollIntoView({ block: 'center' });
      });
    }).catch(function (err) {
      if (button) button.disabled = false;
      // A network failure (TypeError) keeps everything typed; the message says so.
      showErrors(form, err instanceof Error ? { BadRequest: '网络请求失败，请检查网络后重试；您填写的内容仍在表单中。' } : err);
    });
  }

  // The comment form of the unit behind `link`, fetched from its comment page and opened
  // below the link; a second click closes it.
  function toggle(link) {
    var box = link.nextElementSibling;
    if (box && box.classList.contains('inline-comment')) {
      var open = box.hidden;
      box.hidden = !open;
      link.setAttribute('aria-expanded', String(open));
      return;
    }
    box = document.createElement('div');
    box.className = 'inline-comment';
    box.appendChild(note('muted', 'status', '加载中…'));
    link.parentNode.insertBefore(box, link.nextSibling);
    link.setAttribute('aria-expanded', 'true');
    fetch(link.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (!res.ok) throw res.status;
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var form = doc.querySelector('form.comment-form');
        var closed = doc.querySelector('main .alert-error');
        box.innerHTML = '';
        if (!form) {
          box.appendChild(note('alert alert-error', 'alert', closed ? closed.textContent : '本条目前不接受意见。'));
          return;
        }
        form = document.importNode(form, true);
        var uid = form.querySelector('input[name=uid]');
        form.setAttribute('data-prefix', 'c-' + (uid ? uid.value : '') + '-');
        form.addEventListener('submit', function (ev) {
          ev.preventDefault();
          send(form, box);
        });
        box.appendChild(form);
        var first = form.querySelector('input[type=radio]');
        if (first && first.focus) first.focus();
      })
      .catch(function () {
        // Whatever went wrong, the comment page itself still works.
        window.location.href = link.href;
      });
  }

  document.addEventListener('click', function (ev) {
    var link = ev.target.closest ? ev.target.closest('a.comment-link') : null;
    if (!link || ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    ev.preventDefault();
    toggle(link);
  });
})();
