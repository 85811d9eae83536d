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
