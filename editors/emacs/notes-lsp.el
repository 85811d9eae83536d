;;; notes-lsp.el --- Notes vaults through eglot and notes-lsp  -*- lexical-binding: t; -*-

;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Version: 0.1.0
;; Keywords: languages, outlines

;;; Commentary:

;; Registers the notes-lsp language server with eglot (built into
;; Emacs 29, `elpa-eglot' for Debian 12's Emacs 28) for `markdown-mode'
;; and `gfm-mode', or, when markdown-mode is not installed, for
;; `text-mode' buffers visiting *.md files.
;;
;;   (add-to-list 'load-path "/path/to/notes-lsp/editors/emacs")
;;   (require 'notes-lsp)
;;   (setq notes-lsp-program "/path/to/notes-lsp" ; default: on PATH
;;         notes-lsp-settings '(:owner ["Myself" "me"]
;;                              :folders (:person ["People"])))
;;   (notes-lsp-setup)              ; eglot starts in markdown notes
;;
;; Commands: `notes-lsp-tasks' lists the vault's tasks (the server's
;; `notes-lsp.tasks' query) in a grep-mode buffer to jump from, 500
;; a page (`m' there fetches the next page while the server has more,
;; `g' runs the query again);
;; `notes-lsp-accept-all' / `notes-lsp-reject-all' settle the proposed
;; tasks of the current note.
;;
;; The vault root is the nearest folder with `.obsidian' or
;; `.notes-lsp.yaml', else the nearest with `.git', else the folder
;; Emacs was started in when the note lies inside it, else the note's
;; own folder (`notes-lsp-find-root').  `notes-lsp-settings' goes to
;; the server as initializationOptions and as the `notesLsp' section of
;; workspace/configuration; a project's `eglot-workspace-configuration'
;; section `:notesLsp' (from .dir-locals.el, say) wins over it.

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'project)
(require 'seq)
(require 'subr-x)

(defgroup notes-lsp nil
  "The notes-lsp language server for markdown notes vaults."
  :group 'eglot
  :prefix "notes-lsp-")

(defcustom notes-lsp-program "notes-lsp"
  "The notes-lsp executable: a name on `exec-path' or a file name."
  :type 'string)

(defcustom notes-lsp-args '("--stdio")
  "Arguments passed to `notes-lsp-program'."
  :type '(repeat string))

(defcustom notes-lsp-settings nil
  "The server configuration, with the keys of .notes-lsp.yaml, as a plist.
Lists are vectors:
  (:owner [\"Myself\" \"me\"] :folders (:person [\"People\"]))
Sent as initializationOptions and as the `notesLsp' section of
workspace/configuration.  After changing it while the server runs,
call `notes-lsp-send-settings'."
  :type 'plist)

(defcustom notes-lsp-root-markers '((".obsidian" ".notes-lsp.yaml") (".git"))
  "Files or folders that mark a vault root, in priority groups.
The first group with a match in an ancestor of the note wins, so a
vault inside a git repository is rooted at the vault."
  :type '(repeat (repeat string)))

(defcustom notes-lsp-auto-start t
  "When non-nil, `notes-lsp-setup' starts eglot in every markdown note."
  :type 'boolean)

(defun notes-lsp--markdown-available-p ()
  "Non-nil when markdown-mode is installed (loaded or autoloaded)."
  (fboundp 'markdown-mode))

(defun notes-lsp-modes ()
  "The major modes notes-lsp manages, with their LSP language id."
  (if (notes-lsp--markdown-available-p)
      '((markdown-mode :language-id "markdown")
        (gfm-mode :language-id "markdown"))
    '((text-mode :language-id "markdown"))))

(defun notes-lsp--note-buffer-p ()
  "Non-nil when the current buffer is a note notes-lsp should manage."
  (and buffer-file-name
       (cl-some (lambda (spec) (derived-mode-p (car spec))) (notes-lsp-modes))
       ;; text-mode covers every text file: without markdown-mode only
       ;; *.md files are notes.
       (or (notes-lsp--markdown-available-p)
           (string-match-p "\\.md\\'" buffer-file-name))))

;;;; Root

(defun notes-lsp--inside-p (file dir)
  "Non-nil when FILE lies inside directory DIR."
  (string-prefix-p (file-name-as-directory (expand-file-name dir))
                   (expand-file-name file)))

(defun notes-lsp--dominating (start names)
  "The nearest ancestor of START (or START) holding one of NAMES, or nil."
  (let ((dir (locate-dominating-file
              start
              (lambda (dir)
                (cl-some (lambda (m) (file-exists-p (expand-file-name m dir)))
                         names)))))
    ;; locate-dominating-file abbreviates ("~/notes/"); the server needs
    ;; the real path.
    (and dir (file-name-as-directory (expand-file-name dir)))))

(defun notes-lsp-find-root (file)
  "The vault root for FILE, as a directory name (ending in a slash).
The nearest ancestor holding a marker of the first group of
`notes-lsp-root-markers' that matches anywhere; without any, the folder
Emacs was started in when FILE lies inside it, else FILE's folder."
  (let ((start (file-name-directory (expand-file-name file))))
    (or (cl-some (lambda (group) (notes-lsp--dominating start group))
                 notes-lsp-root-markers)
        (let ((cwd (and command-line-default-directory
                        (file-name-as-directory
                         (expand-file-name command-line-default-directory)))))
          (if (and cwd (notes-lsp--inside-p file cwd)) cwd start)))))

(defun notes-lsp--project (dir)
  "Member of `project-find-functions': the vault of the note in DIR.
Only when eglot asks (`eglot-lsp-context') and only for notes, so other
buffers and other tools keep their projects."
  (when (and (bound-and-true-p eglot-lsp-context) (notes-lsp--note-buffer-p))
    (cons 'notes-lsp (notes-lsp-find-root (or buffer-file-name
                                              (expand-file-name "x" dir))))))

(cl-defmethod project-root ((project (head notes-lsp)))
  (cdr project))

;;;; Server

(defclass notes-lsp-server (eglot-lsp-server) ()
  :documentation "The notes-lsp server, configured by `notes-lsp-settings'.")

(defun notes-lsp--json-settings ()
  "`notes-lsp-settings' for JSON: an empty object when nil."
  (or notes-lsp-settings eglot--{}))

(cl-defmethod eglot-initialization-options ((_server notes-lsp-server))
  (notes-lsp--json-settings))

(cl-defmethod eglot-handle-request
  ((_server notes-lsp-server) (_method (eql workspace/configuration))
   &key items)
  "Answer section `notesLsp' from `notes-lsp-settings' unless the project does."
  (let ((answers (cl-call-next-method)))
    (cl-loop for item across items
             for i from 0
             when (and (equal (plist-get item :section) "notesLsp")
                       (null (aref answers i)))
             do (aset answers i (notes-lsp--json-settings)))
    answers))

(defun notes-lsp-contact (&optional _interactive)
  "The eglot contact for notes-lsp: the server class and its command."
  (cons 'notes-lsp-server (cons notes-lsp-program notes-lsp-args)))

;;;; Commands

(defun notes-lsp--server ()
  "The notes-lsp server managing the current buffer, or an error."
  (let ((server (eglot-current-server)))
    (unless (cl-typep server 'notes-lsp-server)
      (user-error "notes-lsp is not running for this buffer"))
    server))

(defun notes-lsp--execute (command &rest arguments)
  "Run the server's COMMAND with ARGUMENTS and return its result.
The user asked for the edit the server sends back (workspace/applyEdit),
so eglot applies it without asking again."
  (let ((eglot-confirm-server-initiated-edits nil))
    ;; The server edits the text it has: send the changes not yet sent.
    (eglot--signal-textDocument/didChange)
    (jsonrpc-request (notes-lsp--server) :workspace/executeCommand
                     (list :command command
                           :arguments (apply #'vector arguments)))))

(defun notes-lsp-accept-all ()
  "Accept every proposed task in the current note."
  (interactive)
  (notes-lsp--execute "notes-lsp.acceptAllProposedTasks"
                      (eglot--path-to-uri buffer-file-name)))

(defun notes-lsp-reject-all ()
  "Reject every proposed task in the current note."
  (interactive)
  (notes-lsp--execute "notes-lsp.rejectAllProposedTasks"
                      (eglot--path-to-uri buffer-file-name)))

;;;; Tasks

(defconst notes-lsp-task-statuses '("proposed" "todo" "in_progress" "done" "cancelled")
  "The task statuses `notes-lsp-tasks' can filter on.")

(defvar notes-lsp-tasks-buffer-name "*notes-lsp tasks*"
  "The buffer `notes-lsp-tasks' shows the tasks in.")

(defun notes-lsp--read-task-filters (more)
  "Ask for the filters of `notes-lsp-tasks'; with MORE, beyond the owner."
  (let* ((owner (string-trim (read-string "Owner (empty: anyone, me: you): ")))
         (filters (and (not (string-empty-p owner)) (list :owner (vector owner)))))
    (when more
      (let ((account (string-trim (read-string "Account (empty: any): ")))
            (status (completing-read-multiple "Status (empty: open ones): "
                                              notes-lsp-task-statuses nil t)))
        (unless (string-empty-p account)
          (setq filters (plist-put filters :account (vector account))))
        (when status
          (setq filters (plist-put filters :status (apply #'vector status))))
        (when (y-or-n-p "Only overdue tasks? ")
          (setq filters (plist-put filters :overdue t)))))
    filters))

(defun notes-lsp--relative-due (days)
  "How far a due date DAYS from today is, in words, or nil."
  (cond ((null days) nil)
        ((= days 0) "today")
        ((= days 1) "tomorrow")
        ((> days 1) (format "in %d days" days))
        ((= days -1) "1 day overdue")
        (t (format "%d days overdue" (- days)))))

(defun notes-lsp--task-title (task)
  "TASK's description without its owners' @mentions and its tags."
  (let ((text (plist-get task :description)))
    (dolist (word (append (mapcar (lambda (o) (concat "@" o)) (plist-get task :owners))
                          (append (plist-get task :tags) nil)))
      (setq text (replace-regexp-in-string
                  (concat "\\(?:^\\|[ \t]\\)" (regexp-quote word) "\\(?:$\\|[ \t]\\)")
                  " " text t t)))
    (string-trim (replace-regexp-in-string "[ \t]+" " " text))))

(defun notes-lsp--task-line (task root)
  "One line of TASK (of `notes-lsp.tasks') in grep's form, relative to ROOT."
  (let* ((file (eglot--uri-to-path (plist-get task :uri)))
         (owners (append (plist-get task :owners) nil))
         (due (plist-get task :due))
         (rel (notes-lsp--relative-due (plist-get task :dueInDays)))
         (priority (plist-get task :priority))
         (fields (delq nil (list (and owners (string-join owners ", "))
                                 (and due (concat "due " due (if rel (format " (%s)" rel) "")))
                                 priority))))
    (format "%s:%d: [%s] %s%s\n" (file-relative-name file root)
            (1+ (plist-get task :line)) (plist-get task :status)
            (notes-lsp--task-title task)
            (if fields (concat " \u2014 " (string-join fields ", ")) ""))))

(defun notes-lsp--insert-tasks (tasks root)
  "Insert the lines of TASKS (a vector) relative to ROOT.
Return (COUNT . OVERDUE)."
  (let ((count 0) (overdue 0))
    (seq-doseq (task tasks)
      (insert (notes-lsp--task-line task root))
      (cl-incf count)
      (when (eq (plist-get task :overdue) t) (cl-incf overdue)))
    (cons count overdue)))

(defconst notes-lsp-tasks-page 500
  "Tasks a page of `notes-lsp-tasks' asks for (the server's default too).
A full page may have more after it: `m' in the list fetches the next.")

(defvar-local notes-lsp--tasks-list nil
  "The query of a `notes-lsp-tasks' buffer while the server may have more:
a plist (:server :filters :limit :offset :total :overdue).")

(defvar-local notes-lsp--tasks-query nil
  "The query a `notes-lsp-tasks' buffer shows, for `g': (SERVER . FILTERS).")

(defvar notes-lsp-tasks-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map "m" #'notes-lsp-tasks-more)
    (define-key map "g" #'notes-lsp-tasks-refresh)
    map)
  "Keys of `notes-lsp-tasks-mode': those of `grep-mode', `m' for more and
`g' to run the query again (grep-mode's `g' would rerun a grep).")

(define-derived-mode notes-lsp-tasks-mode grep-mode "notes-lsp tasks"
  "The tasks of `notes-lsp-tasks': RET visits one.
\\[notes-lsp-tasks-more] fetches the next page when the server has more;
\\[notes-lsp-tasks-refresh] runs the query again, from its first page."
  (setq-local revert-buffer-function
              (lambda (_ignore-auto _noconfirm) (notes-lsp-tasks-refresh))))

(defun notes-lsp--insert-task-page (list)
  "Ask for the page of LIST (see `notes-lsp--tasks-list') and insert it at point.
Return LIST with its counts and next offset, or nil after the last page."
  (let* ((limit (plist-get list :limit))
         (offset (plist-get list :offset))
         (filters (plist-get list :filters))
         (result (jsonrpc-request (plist-get list :server) :workspace/executeCommand
                                  (list :command "notes-lsp.tasks"
                                        :arguments (vector (append (list :limit limit :offset offset)
                                                                   filters)))))
         (page 0) (total (plist-get list :total)) (overdue (plist-get list :overdue)))
    (if (not (plist-get filters :groupBy))
        (let ((n (notes-lsp--insert-tasks result default-directory)))
          (setq page (car n) overdue (+ overdue (cdr n))))
      ;; A task with two owners is in two groups: count it once.
      (let ((seen (make-hash-table :test #'equal)))
        (seq-doseq (group result)
          (let ((tasks (plist-get group :tasks)))
            (insert (format "%s (%d)\n" (plist-get group :group) (length tasks)))
            (seq-doseq (task tasks)
              (unless (gethash (list (plist-get task :uri) (plist-get task :line)) seen)
                (puthash (list (plist-get task :uri) (plist-get task :line)) t seen)
                (cl-incf page)
                (when (eq (plist-get task :overdue) t) (cl-incf overdue))))
            (notes-lsp--insert-tasks tasks default-directory)
            (insert "\n")))))
    (setq total (+ total page))
    (insert (format "%d task%s, %d overdue\n" total (if (= total 1) "" "s") overdue))
    (when (and (> limit 0) (>= page limit))
      (insert (format "More tasks after these %d: m fetches the next %d\n" total limit))
      (list :server (plist-get list :server) :filters filters :limit limit
            :offset (+ offset page) :total total :overdue overdue))))

(defun notes-lsp-tasks (&optional filters)
  "List the vault's tasks in a `grep-mode' buffer; RET visits a task.
FILTERS is a plist of the `notes-lsp.tasks' command's filters, lists as
vectors: (:owner [\"me\"] :overdue t :sort \"priority\" :groupBy \"owner\"),
with the keys :owner :account :status :priority :overdue :dueBefore
:dueAfter :today :path :text :sort :groupBy :limit.  The list shows a
page of `notes-lsp-tasks-page' tasks (or :limit; 0 for all); when the
server has more, the last line says so and `m' fetches the next page.
Interactively, asks for an owner; with a prefix argument, also for an
account, statuses and whether only overdue tasks."
  (interactive (list (notes-lsp--read-task-filters current-prefix-arg)))
  (notes-lsp--show-tasks (notes-lsp--server) filters))

(defun notes-lsp--send-changes (server)
  "Send the edits not yet sent of every buffer SERVER manages: the query
reads the text the server has."
  (dolist (buffer (eglot--managed-buffers server))
    (when (buffer-live-p buffer)
      (with-current-buffer buffer
        (eglot--signal-textDocument/didChange)))))

(defun notes-lsp--show-tasks (server filters)
  "Show the first page of SERVER's tasks that pass FILTERS (see
`notes-lsp-tasks') in `notes-lsp-tasks-buffer-name'; return the buffer."
  (let* ((root (file-name-as-directory (expand-file-name
                                        (project-root (eglot--project server)))))
         (limit (or (plist-get filters :limit) notes-lsp-tasks-page))
         (buffer (get-buffer-create notes-lsp-tasks-buffer-name)))
    (notes-lsp--send-changes server)
    (require 'grep)
    (with-current-buffer buffer
      (let ((inhibit-read-only t))
        (erase-buffer)
        (setq default-directory root)
        (insert (format "notes-lsp tasks in %s %s\n\n" root (if filters (format "%S" filters) "")))
        (let ((more (notes-lsp--insert-task-page
                     (list :server server :limit limit :offset 0 :total 0 :overdue 0
                           :filters (cl-loop for (key value) on filters by #'cddr
                                             unless (memq key '(:limit :offset))
                                             append (list key value))))))
          (notes-lsp-tasks-mode)
          (setq notes-lsp--tasks-list more
                notes-lsp--tasks-query (cons server filters))))
      (goto-char (point-min)))
    (display-buffer buffer)
    buffer))

(defun notes-lsp-tasks-refresh ()
  "Run this `notes-lsp-tasks' list's query again and show its first page.
Point stays on the same line number."
  (interactive)
  (unless notes-lsp--tasks-query
    (user-error "Not a notes-lsp-tasks list"))
  (let ((line (line-number-at-pos))
        (server (car notes-lsp--tasks-query)))
    (unless (jsonrpc-running-p server)
      (user-error "The notes-lsp server of this list is gone: run notes-lsp-tasks again"))
    (with-current-buffer (notes-lsp--show-tasks server (cdr notes-lsp--tasks-query))
      (goto-char (point-min))
      (forward-line (1- line)))))

(defun notes-lsp-tasks-more ()
  "Fetch the next page of this `notes-lsp-tasks' list and add it at the end."
  (interactive)
  (unless notes-lsp--tasks-list
    (user-error "No more tasks to fetch: run notes-lsp-tasks again"))
  (let ((inhibit-read-only t)
        (pos (point)))
    (goto-char (point-max))
    ;; The counts and the "more" line make way for the page and new counts.
    (forward-line (- 2))
    (delete-region (point) (point-max))
    (setq notes-lsp--tasks-list (notes-lsp--insert-task-page notes-lsp--tasks-list))
    (goto-char pos)))

(defun notes-lsp-send-settings ()
  "Send `notes-lsp-settings' to the running server."
  (interactive)
  (jsonrpc-notify (notes-lsp--server) :workspace/didChangeConfiguration
                  (list :settings
                        (list :notesLsp (notes-lsp--json-settings)))))

;;;; Setup

(defun notes-lsp-ensure ()
  "Start or join notes-lsp for the current buffer when it is a note."
  (when (notes-lsp--note-buffer-p)
    (eglot-ensure)))

(defun notes-lsp--mode-hooks ()
  "The hooks of the modes notes-lsp manages."
  (mapcar (lambda (spec) (intern (format "%s-hook" (car spec))))
          (notes-lsp-modes)))

;;;###autoload
(defun notes-lsp-setup ()
  "Register notes-lsp with eglot; with `notes-lsp-auto-start', start it."
  (interactive)
  (setq eglot-server-programs
        (cons (cons (notes-lsp-modes) #'notes-lsp-contact)
              (seq-remove (lambda (entry) (eq (cdr entry) #'notes-lsp-contact))
                          eglot-server-programs)))
  ;; Before project-try-vc, so a vault inside a git repository is rooted
  ;; at the vault.
  (add-hook 'project-find-functions #'notes-lsp--project -50)
  (unless (notes-lsp--markdown-available-p)
    (add-to-list 'auto-mode-alist '("\\.md\\'" . text-mode)))
  (when notes-lsp-auto-start
    (dolist (hook (notes-lsp--mode-hooks))
      (add-hook hook #'notes-lsp-ensure))))

(provide 'notes-lsp)
;;; notes-lsp.el ends here
