// Demo chat behaviour: switch conversations without a page load (like a real chat app) and append messages.
(function () {
  'use strict';
  var counter = 0;
  function openConversation(id) {
    document.querySelectorAll('.pane').forEach(function (pane) {
      pane.hidden = pane.getAttribute('data-conversation-id') !== id;
    });
    document.querySelectorAll('[data-open]').forEach(function (button) {
      button.setAttribute('aria-current', String(button.getAttribute('data-open') === id));
    });
    history.replaceState(null, '', '#' + id);
  }
  document.querySelectorAll('[data-open]').forEach(function (button) {
    button.addEventListener('click', function () { openConversation(button.getAttribute('data-open')); });
  });
  document.getElementById('try').addEventListener('submit', function (event) {
    event.preventDefault();
    var input = document.getElementById('try-text');
    var pane = document.querySelector('.pane:not([hidden])');
    if (!input.value.trim() || !pane) return;
    var row = document.createElement('div');
    row.className = 'msg';
    row.setAttribute('data-message-id', 'try-' + Date.now() + '-' + counter++);
    row.setAttribute('data-from', 'other');
    var sender = document.createElement('span');
    sender.className = 'msg-sender';
    sender.textContent = 'Them';
    var text = document.createElement('p');
    text.className = 'msg-text';
    text.textContent = input.value; // untrusted text: never innerHTML
    var time = document.createElement('time');
    time.setAttribute('datetime', new Date().toISOString());
    time.textContent = new Date().toLocaleTimeString();
    row.append(sender, text, time);
    pane.append(row);
    input.value = '';
  });
  var initial = location.hash.slice(1);
  if (initial && document.querySelector('[data-conversation-id="' + CSS.escape(initial) + '"]')) openConversation(initial);
})();
